"""Billing command handlers: one small function per action, one ``StoreResult`` per command."""

from __future__ import annotations

from sqlalchemy import Table, insert, select, update

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.vocabulary import Action, Category, Store
from services.rulebook.disputes import BILLING_ITEMS, DISPUTED, disputed, items_text
from services.rulebook.retention import Retention, outcome
from services.runtime.deps import Deps
from simulators.billing.erasure import erase
from simulators.billing.sources import (
    CATEGORIES,
    OPEN,
    SOURCES,
    billing_holds,
    subject_scope,
)
from simulators.billing.tables import (
    accounts,
    commands,
    consumption,
    disputes,
    invoices,
    payments,
    prepared_changes,
)
from simulators.stores.commands import StoreActionHandler, answer, require_customer_code, respond
from simulators.stores.exports import ExportFile, export_sources
from simulators.stores.sources import DISPUTED_ITEM, Marking, Scope, inventory, mark, spans, wanted
from simulators.stores.sources import lift as lift_rows
from simulators.stores.sources import restrict as restrict_rows
from simulators.stores.staging import Staging

ADDRESS_KEYS = ("billing_address", "address")
ITEM_TABLES: dict[str, Table] = {"invoice": invoices, "invoices": invoices, "payment": payments,
                                 "payments": payments, "consumption": consumption}


def handle_command(command: StoreCommand, deps: Deps) -> None:
    respond(command, deps, Store.BILLING, commands, ACTIONS)


def discover(command: StoreCommand, deps: Deps) -> StoreResult:
    scope = subject_scope(require_customer_code(command))
    retention = Retention.of(deps.settings)
    holds = billing_holds(deps.db, scope, retention)
    counts = spans(deps.db, SOURCES, scope, CATEGORIES)
    return answer(command, inventory=inventory(Store.BILLING, counts, retention, holds.on))


def export(command: StoreCommand, deps: Deps) -> StoreResult:
    scope = subject_scope(require_customer_code(command))
    with ExportFile(deps.settings.data_dir, command.reference, Store.BILLING) as out:
        export_sources(deps.db, out, SOURCES, wanted(command, CATEGORIES), scope)
    return answer(command, export_ref=out.relative, outcomes=out.outcomes())


def restrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, restrict_rows)


def unrestrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, lift_rows)


def rectify(command: StoreCommand, deps: Deps) -> StoreResult:
    """The billing address follows the customer's corrected address; usage records are not
    edited: a dispute is opened with the statement and the disputed items restricted."""
    code = require_customer_code(command)
    outcomes = []
    corrections = command.corrections.given()
    address = next((corrections[k] for k in ADDRESS_KEYS if k in corrections), None)
    if address is not None:
        changed = deps.db.execute(update(accounts).where(accounts.c.customer_code == code)
                                  .values(billing_address=address)).rowcount
        if changed:
            outcomes.append(outcome(Category.CONTACT, Action.RECTIFY, changed))
    if disputed(corrections):
        restricted = _open_dispute(command, deps, subject_scope(code))
        outcomes.append(outcome(Category.ECONOMIC_FINANCIAL, Action.RESTRICT, restricted,
                                DISPUTED))
    return answer(command, outcomes=outcomes)


def _open_dispute(command: StoreCommand, deps: Deps, scope: Scope) -> int:
    """One open dispute per account (a litigation hold from now on); the named billing
    items restricted. Returns the rows restricted, the disputes included."""
    owned = select(accounts.c.account_no).where(scope(accounts))
    opened = [{"account_no": account, "opened_at": deps.now(), "status": OPEN,
               "items": items_text(command.corrections.given()), "statement": command.statement,
               "restricted": True, "restricted_by": DISPUTED_ITEM}
              for account in deps.db.execute(owned).scalars()]
    if opened:
        deps.db.execute(insert(disputes), opened)
    named = {ITEM_TABLES[key] for key in disputed(command.corrections.given(), BILLING_ITEMS)}
    restricted = sum(mark(deps.db, table, scope(table), DISPUTED_ITEM) for table in named)
    return restricted + len(opened)


ACTIONS: dict[StoreAction, StoreActionHandler] = {
    StoreAction.DISCOVER: discover,
    StoreAction.EXPORT: export,
    StoreAction.ERASE: erase,
    StoreAction.RESTRICT: restrict,
    StoreAction.UNRESTRICT: unrestrict,
    StoreAction.RECTIFY: rectify,
}


def _subject(command: StoreCommand, deps: Deps) -> Scope:
    return subject_scope(require_customer_code(command))


STAGING = Staging(prepared_changes, SOURCES, _subject, {
    StoreAction.ERASE: erase, StoreAction.RECTIFY: rectify, StoreAction.RESTRICT: restrict,
})
ACTIONS.update(STAGING.actions())


def _set_restricted(command: StoreCommand, deps: Deps, marking: Marking) -> StoreResult:
    return answer(command, outcomes=marking(deps.db, SOURCES, wanted(command, CATEGORIES),
                                            _subject(command, deps), command.reference))
