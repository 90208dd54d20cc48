"""Discovery handlers: ask the CRM first, then follow its MSISDN holdings to billing and CDR.

This is where the saga moves from identity to data: discovery starts only from an
``identity.verified.v1`` whose every check passed (rulebook §3.6). ``services.discovery.flow``
decides (who is asked, re-asked after a timeout, failed for good); these handlers keep the
``discoveries`` row and publish what was decided. ``clock.ticked.v1`` re-sends what is
overdue: no in-memory timer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from contracts.backoffice import Holding, InventoryItem, StoreAction, StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.identity import IdentityVerified, VerifiedDocument
from contracts.intake import RequestDetails
from contracts.status import ClockTicked, RequestWithdrawn
from contracts.vocabulary import Right, Store
from services.discovery import flow
from services.discovery.repository import DISCOVERIES, overdue
from services.discovery.tables import withdrawals
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.withdrawals import is_withdrawn, remember_withdrawal


def start_discovery(verified: IdentityVerified, deps: Deps) -> None:
    if not verified.checks_support_verification():
        raise Reject(f"{verified.reference}: identity not verified, nothing may be discovered")
    if is_withdrawn(deps.db, withdrawals, verified.reference):
        return
    decision = flow.start(deps.now())
    DISCOVERIES.add(
        deps.db, reference=verified.reference, right=verified.right.value,
        customer_code=verified.customer_code, details=verified.details.model_dump(mode="json"),
        document=verified.document.model_dump(mode="json") if verified.document else None,
        awaiting=_awaiting(decision.discovery), holdings=[], inventory=[], completed=0,
        flow=flow.to_json(decision.discovery), due_at=decision.discovery.due_at(limits(deps)),
        version=1, updated_at=deps.now())
    _ask(deps, verified.reference, decision.asks, verified.customer_code, [])


def record_findings(result: StoreResult, deps: Deps) -> None:
    row = DISCOVERIES.get(deps.db, result.reference)
    decision = flow.on_reply(_state(row), result.store, result.ok, result.error, deps.now())
    if decision is None:
        return
    holdings: list[dict[str, Any]] = row.holdings
    if result.ok and result.store is flow.FIRST:
        holdings = [h.model_dump(mode="json") for h in result.holdings]
    inventory = row.inventory + [item.model_dump(mode="json") for item in result.inventory]
    _apply(deps, row, decision, holdings=holdings, inventory=inventory)


def resend_overdue(tick: ClockTicked, deps: Deps) -> None:
    """Ask again every store whose answer is overdue; fail the ones out of sends."""
    for row in overdue(deps.db, tick.now):
        decision = flow.on_tick(_state(row), tick.now, limits(deps))
        if decision is not None:
            _apply(deps, row, decision)


def stop_on_withdrawal(withdrawn: RequestWithdrawn, deps: Deps) -> None:
    remember_withdrawal(deps, withdrawals, withdrawn.reference)
    row = DISCOVERIES.find(deps.db, withdrawn.reference)
    decision = flow.stop(_state(row)) if row is not None else None
    if row is not None and decision is not None:
        _apply(deps, row, decision)


def limits(deps: Deps) -> flow.Limits:
    return flow.Limits(timedelta(seconds=deps.settings.store_reply_timeout_s),
                       deps.settings.store_attempts)


def _apply(deps: Deps, row: Row[Any], decision: flow.Decision, **values: Any) -> None:
    state = decision.discovery
    if (state.phase is flow.Phase.COMPLETED
            and is_withdrawn(deps.db, withdrawals, row.reference)):
        state = flow.Discovery(flow.Phase.STOPPED)
    if state.over:
        values["document"] = None  # the document's fields go no further than fulfilment
    DISCOVERIES.save(deps.db, row, deps.now(), awaiting=_awaiting(state),
                     completed=int(state.over), flow=flow.to_json(state),
                     due_at=state.due_at(limits(deps)), **values)
    holdings = [Holding.model_validate(h) for h in values.get("holdings", row.holdings)]
    _ask(deps, row.reference, decision.asks, row.customer_code, holdings)
    if state.phase is flow.Phase.COMPLETED:
        deps.publish(DiscoveryCompleted(
            reference=row.reference, right=row.right, customer_code=row.customer_code,
            holdings=holdings,
            inventory=[InventoryItem.model_validate(i)
                       for i in values.get("inventory", row.inventory)],
            details=RequestDetails.model_validate(row.details),
            document=VerifiedDocument.model_validate(row.document) if row.document else None,
        ), subject=row.reference)
    elif state.phase is flow.Phase.FAILED:
        assert state.failed_store is not None
        deps.publish(DiscoveryFailed(
            reference=row.reference, right=Right(row.right), store=state.failed_store,
            reason=f"discovery failed: {state.failure}"[:500],
        ), subject=row.reference)


def _ask(deps: Deps, reference: str, stores: tuple[Store, ...], customer_code: str,
         holdings: list[Holding]) -> None:
    """One command per store; a re-send carries the same command id."""
    for store in stores:
        deps.publish(StoreCommand(
            command_id=f"{reference}:discover:{store.value}", reference=reference,
            store=store, action=StoreAction.DISCOVER, customer_code=customer_code,
            holdings=holdings,
        ), subject=reference)


def _state(row: Row[Any]) -> flow.Discovery:
    """The row's flow; a row written before ``flow`` existed is read from ``awaiting``."""
    if row.flow is not None:
        return flow.from_json(row.flow)
    if row.completed:
        return flow.Discovery(flow.Phase.COMPLETED)
    phase = (flow.Phase.ASKING_CRM if row.awaiting == [flow.FIRST.value]
             else flow.Phase.FOLLOWING_UP)
    sent_at: datetime = row.updated_at
    return flow.Discovery(phase, tuple(flow.Waiting(Store(s), 1, sent_at)
                                       for s in row.awaiting))


def _awaiting(state: flow.Discovery) -> list[str]:
    return [w.store.value for w in state.waiting]


