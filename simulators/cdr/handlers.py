"""CDR command handlers: every query is bounded by the subject's holding periods."""

from __future__ import annotations

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.vocabulary import Action, Store
from services.rulebook.disputes import DISPUTED, TRAFFIC_ITEMS, disputed
from services.rulebook.retention import Retention, outcome
from services.runtime.deps import Deps
from simulators.cdr.erasure import erase
from simulators.cdr.sources import (
    CATEGORIES,
    SOURCES,
    USAGE,
    cdr_holds,
    disclosed_scope,
    holding_scope,
)
from simulators.cdr.tables import commands, prepared_changes
from simulators.stores.commands import StoreActionHandler, answer, respond
from simulators.stores.exports import ExportFile, export_sources
from simulators.stores.sources import DISPUTED_ITEM, Marking, Scope, inventory, spans, wanted
from simulators.stores.sources import lift as lift_rows
from simulators.stores.sources import restrict as restrict_rows
from simulators.stores.staging import Staging


def handle_command(command: StoreCommand, deps: Deps) -> None:
    respond(command, deps, Store.CDR, commands, ACTIONS)


def discover(command: StoreCommand, deps: Deps) -> StoreResult:
    retention = Retention.of(deps.settings)
    holds = cdr_holds(deps.db, command.holdings, deps.now(), retention)
    counts = spans(deps.db, SOURCES, _disclosed(command, deps), CATEGORIES)
    return answer(command, inventory=inventory(Store.CDR, counts, retention, holds.on))


def export(command: StoreCommand, deps: Deps) -> StoreResult:
    with ExportFile(deps.settings.data_dir, command.reference, Store.CDR) as out:
        export_sources(deps.db, out, SOURCES, wanted(command, CATEGORIES),
                       _disclosed(command, deps))
    return answer(command, export_ref=out.relative, outcomes=out.outcomes())


def restrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, restrict_rows)


def unrestrict(command: StoreCommand, deps: Deps) -> StoreResult:
    return _set_restricted(command, deps, lift_rows)


def rectify(command: StoreCommand, deps: Deps) -> StoreResult:
    """Usage records are facts: not edited. The disputed events are restricted while the
    dispute billing opened (with the customer's statement) is examined."""
    if not disputed(command.corrections.given(), TRAFFIC_ITEMS):
        return answer(command)
    restricted = restrict_rows(deps.db, SOURCES, [USAGE], holding_scope(command.holdings),
                               DISPUTED_ITEM)
    records = sum(o.records for o in restricted)
    return answer(command, outcomes=[outcome(USAGE, Action.RESTRICT, records, DISPUTED)])


ACTIONS: dict[StoreAction, StoreActionHandler] = {
    StoreAction.DISCOVER: discover,
    StoreAction.EXPORT: export,
    StoreAction.ERASE: erase,
    StoreAction.RESTRICT: restrict,
    StoreAction.UNRESTRICT: unrestrict,
    StoreAction.RECTIFY: rectify,
}


def _disclosed(command: StoreCommand, deps: Deps) -> Scope:
    cutoff = Retention.of(deps.settings).traffic_cutoff(deps.now())
    return disclosed_scope(command.holdings, cutoff)


def _subject(command: StoreCommand, deps: Deps) -> Scope:
    return holding_scope(command.holdings)


STAGING = Staging(prepared_changes, SOURCES, _subject, {
    StoreAction.ERASE: erase, StoreAction.RECTIFY: rectify, StoreAction.RESTRICT: restrict,
}, new_rows_stay=True)
ACTIONS.update(STAGING.actions())


def _set_restricted(command: StoreCommand, deps: Deps, marking: Marking) -> StoreResult:
    return answer(command, outcomes=marking(deps.db, SOURCES, wanted(command, CATEGORIES),
                                            _subject(command, deps), command.reference))
