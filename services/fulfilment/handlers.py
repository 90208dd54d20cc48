"""Fulfilment handlers: access exports from every store; a change runs as the saga.

Access only reads: one ``export`` per store, outcomes gathered. Every other right changes
data, so it runs as the saga of ``services.fulfilment.saga`` (prepare, commit, compensate),
carried out by ``services.fulfilment.steps``; ``clock.ticked.v1`` re-sends what is overdue.
"""

from __future__ import annotations

from typing import Any

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.corrections import Corrections
from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import CategoryOutcome, FulfilmentCompleted, FulfilmentFailed
from contracts.status import ClockTicked, RequestWithdrawn
from contracts.vocabulary import Right
from services.fulfilment import lifting, proof, review
from services.fulfilment import steps as saga_steps
from services.fulfilment.policy import plan
from services.fulfilment.repository import FULFILMENTS, overdue
from services.fulfilment.tables import withdrawals
from services.runtime.deps import Deps
from services.runtime.withdrawals import is_withdrawn, remember_withdrawal

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"


def start_fulfilment(discovered: DiscoveryCompleted, deps: Deps) -> None:
    if is_withdrawn(deps.db, withdrawals, discovered.reference):
        return
    weighed = _weigh(discovered)
    steps = plan(discovered.right, discovered.inventory, discovered.details.categories,
                 weighed.applied.given())
    if steps and discovered.right is not Right.ACCESS:
        saga_steps.begin(discovered, steps, weighed, deps)
        return
    refused = [o.model_dump(mode="json") for o in weighed.refused]
    FULFILMENTS.add(
        deps.db, reference=discovered.reference, right=discovered.right.value,
        awaiting=[step.store.value for step in steps], outcomes=refused, export_refs=[],
        state=RUNNING if steps else COMPLETED, version=1, updated_at=deps.now())
    for step in steps:
        deps.publish(StoreCommand(
            command_id=f"{discovered.reference}:{step.action.value}:{step.store.value}",
            reference=discovered.reference, store=step.store, action=step.action,
            customer_code=discovered.customer_code, holdings=discovered.holdings,
            categories=list(step.categories),
        ), subject=discovered.reference)
    if not steps:
        _complete(deps, discovered.reference, discovered.right, refused, [])


def _weigh(discovered: DiscoveryCompleted) -> proof.Weighed:
    """A rectification's corrections against the verified document; no other right
    corrects anything."""
    if discovered.right is not Right.RECTIFICATION:
        return proof.Weighed(Corrections(), ())
    return proof.weigh(discovered.details.corrections, discovered.document)


def record_outcome(result: StoreResult, deps: Deps) -> None:
    if result.action is StoreAction.UNRESTRICT:
        lifting.on_result(result, deps)
        return
    if result.action is not StoreAction.EXPORT:
        saga_steps.on_result(result, deps)
        return
    row = FULFILMENTS.get(deps.db, result.reference)
    if row.state != RUNNING or result.store.value not in row.awaiting:
        return
    if not result.ok:
        FULFILMENTS.save(deps.db, row, deps.now(), state=FAILED)
        deps.publish(FulfilmentFailed(
            reference=result.reference, right=row.right,
            reason=f"{result.store.value} failed to {result.action.value}: {result.error}",
        ), subject=result.reference)
        return
    awaiting = [s for s in row.awaiting if s != result.store.value]
    outcomes = row.outcomes + [
        {**o.model_dump(mode="json"), "store": result.store.value} for o in result.outcomes
    ]
    export_refs = row.export_refs + ([result.export_ref] if result.export_ref else [])
    FULFILMENTS.save(deps.db, row, deps.now(), awaiting=awaiting, outcomes=outcomes,
                     export_refs=export_refs, state=RUNNING if awaiting else COMPLETED)
    if not awaiting:
        _complete(deps, result.reference, Right(row.right), outcomes, export_refs)


def resend_overdue(tick: ClockTicked, deps: Deps) -> None:
    """Re-send store commands whose reply is overdue; give up after the last attempt. Lift
    the restrictions whose notice has gone and whose notice period has elapsed."""
    for row in overdue(deps.db, tick.now):
        saga_steps.on_tick(row, tick.now, deps)
    lifting.on_tick(tick.now, deps)


def stop_on_withdrawal(withdrawn: RequestWithdrawn, deps: Deps) -> None:
    """No new export goes out; a saga not yet committed is compensated once prepared; a
    failed one awaiting review forgets what it kept to be retried."""
    remember_withdrawal(deps, withdrawals, withdrawn.reference)
    review.forget(withdrawn.reference, deps)


def _complete(deps: Deps, reference: str, right: Right, outcomes: list[dict[str, Any]],
              export_refs: list[str]) -> None:
    deps.publish(FulfilmentCompleted(
        reference=reference, right=right,
        outcomes=[CategoryOutcome.model_validate(o) for o in outcomes],
        package_ref=f"exports/{reference}" if export_refs else None,
    ), subject=reference)


