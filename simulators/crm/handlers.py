"""CRM command handlers: one small function per action, one ``StoreResult`` per command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from contracts.backoffice import (
    Holding,
    StoreAction,
    StoreCommand,
    StoreResult,
)
from contracts.vocabulary import Purpose, Store
from services.rulebook.retention import Retention, outcome
from services.runtime.deps import Deps
from simulators.crm.erasure import erase
from simulators.crm.identification import identify
from simulators.crm.rectification import rectify
from simulators.crm.sources import (
    CATEGORIES,
    SOURCES,
    active_holds,
    holds_on,
    subject_scope,
)
from simulators.crm.tables import (
    commands,
    customers,
    marketing_preferences,
    prepared_changes,
    subscriptions,
)
from simulators.stores.commands import (
    CommandRefused,
    StoreActionHandler,
    answer,
    require_customer_code,
    respond,
)
from simulators.stores.exports import ExportFile, export_sources
from simulators.stores.objection import OBJECTION, objected
from simulators.stores.sources import Marking, Scope, spans, wanted
from simulators.stores.sources import inventory as inventory_of
from simulators.stores.sources import lift as lift_rows
from simulators.stores.sources import restrict as restrict_rows
from simulators.stores.staging import Staging


def handle_command(command: StoreCommand, deps: Deps) -> None:
    respond(command, deps, Store.CRM, commands, ACTIONS)


def discover(command: StoreCommand, deps: Deps) -> StoreResult:
    code = _known_customer(command, deps)
    held = active_holds(deps.db, code, deps.now())
    counts = spans(deps.db, SOURCES, subject_scope(code), CATEGORIES)
    inventory = inventory_of(Store.CRM, counts, Retention.of(deps.settings),
                             lambda category: holds_on(category, held))
    rows = deps.db.execute(select(subscriptions).where(subscriptions.c.customer_code == code)
                           .order_by(subscriptions.c.held_from)).all()
    holdings = [Holding(msisdn=r.msisdn, held_from=r.held_from, held_until=r.held_until)
                for r in rows]
    return answer(command, holdings=holdings, inventory=inventory)


def export(command: StoreCommand, deps: Deps) -> StoreResult:
    code = _known_customer(command, deps)
    with ExportFile(deps.settings.data_dir, command.reference, Store.CRM) as out:
        export_sources(deps.db, out, SOURCES, wanted(command, CATEGORIES), subject_scope(code))
    return answer(command, export_ref=out.relative, outcomes=out.outcomes())


def restrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, restrict_rows)


def unrestrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, lift_rows)


def opt_out(command: StoreCommand, deps: Deps) -> StoreResult:
    """Objection per purpose (``simulators.stores.objection``): the purposes that stop are
    recorded as preferences (opted out); the others are answered with their reason."""
    code = _known_customer(command, deps)
    outcomes = []
    for purpose in objected(command.purposes):
        rule = OBJECTION[purpose]
        records = _stop(deps, code, purpose) if rule.stops else 0
        outcomes.append(outcome(rule.category, rule.action, records, rule.reason()))
    return answer(command, outcomes=outcomes)


def _stop(deps: Deps, code: str, purpose: Purpose) -> int:
    """Every preference row of the purpose opted out, and one for all channels if none."""
    t = marketing_preferences
    names = {purpose.value, *OBJECTION[purpose].stored_as}
    changed = int(deps.db.execute(
        update(t).where(t.c.customer_code == code, t.c.purpose.in_(names))
        .values(opted_in=False, updated_at=deps.now())).rowcount)
    general = select(t.c.id).where(t.c.customer_code == code, t.c.channel == "all",
                                   t.c.purpose == purpose.value)
    if deps.db.execute(general).first() is None:
        deps.db.execute(insert(t).values(customer_code=code, channel="all",
                                         purpose=purpose.value, opted_in=False,
                                         updated_at=deps.now()))
        changed += 1
    return changed


ACTIONS: dict[StoreAction, StoreActionHandler] = {
    StoreAction.IDENTIFY: identify,
    StoreAction.DISCOVER: discover,
    StoreAction.EXPORT: export,
    StoreAction.ERASE: erase,
    StoreAction.RESTRICT: restrict,
    StoreAction.UNRESTRICT: unrestrict,
    StoreAction.RECTIFY: rectify,
    StoreAction.OPT_OUT: opt_out,
}


def _subject(command: StoreCommand, deps: Deps) -> Scope:
    return subject_scope(_known_customer(command, deps))


STAGING = Staging(prepared_changes, SOURCES, _subject, {
    StoreAction.ERASE: erase, StoreAction.RECTIFY: rectify,
    StoreAction.RESTRICT: restrict, StoreAction.OPT_OUT: opt_out,
})
ACTIONS.update(STAGING.actions())


def _set_restricted(command: StoreCommand, deps: Deps, marking: Marking) -> StoreResult:
    return answer(command, outcomes=marking(deps.db, SOURCES, wanted(command, CATEGORIES),
                                            _subject(command, deps), command.reference))


def _known_customer(command: StoreCommand, deps: Deps) -> str:
    code = require_customer_code(command)
    if _customer(deps.db, code) is None:
        raise CommandRefused(f"no customer {code} in the CRM")
    return code


def _customer(db: Connection, code: str) -> Row[Any] | None:
    return db.execute(select(customers).where(customers.c.customer_code == code)).first()
