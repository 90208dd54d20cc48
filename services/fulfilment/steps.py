"""Carrying out the saga's decisions: the saga row, the store commands, the final event.

``services.fulfilment.saga`` decides; this module reads and saves the ``fulfilments`` row
(optimistic concurrency: a version column) and publishes what was decided.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import CategoryOutcome, FulfilmentCompleted, FulfilmentFailed
from contracts.vocabulary import Right, Store
from services.fulfilment import lifting, saga
from services.fulfilment.policy import StoreStep
from services.fulfilment.proof import Weighed
from services.fulfilment.repository import FULFILMENTS
from services.fulfilment.tables import withdrawals
from services.runtime.deps import Deps
from services.runtime.withdrawals import is_withdrawn

WITHDRAWN = "the request was withdrawn before the change was committed"


def limits(deps: Deps) -> saga.Limits:
    return saga.Limits(timedelta(seconds=deps.settings.store_reply_timeout_s),
                       deps.settings.store_attempts)


def begin(discovered: DiscoveryCompleted, steps: list[StoreStep], weighed: Weighed,
          deps: Deps) -> None:
    """Record the saga and send ``prepare`` to every store of the plan; the corrections the
    stores get are those ``proof`` let through, the refusals are outcomes from the start."""
    decision = saga.start(tuple(step.store for step in steps), deps.now())
    refused = [o.model_dump(mode="json") for o in weighed.refused]
    command = {
        "customer_code": discovered.customer_code,
        "holdings": [h.model_dump(mode="json") for h in discovered.holdings],
        "corrections": weighed.applied.model_dump(mode="json"),
        "refused": refused,
        "purposes": [p.value for p in discovered.details.purposes],
        "statement": discovered.details.statement,
        "steps": {step.store.value: {"change": step.action.value,
                                     "categories": [c.value for c in step.categories]}
                  for step in steps},
    }
    FULFILMENTS.add(
        deps.db, reference=discovered.reference, right=discovered.right.value, awaiting=[],
        outcomes=refused, export_refs=[], state=decision.saga.phase.value,
        saga=saga.to_json(decision.saga), command=command,
        due_at=decision.saga.due_at(limits(deps)), version=1, updated_at=deps.now())
    row = FULFILMENTS.get(deps.db, discovered.reference)
    _send(deps, row, decision.sends, decision.saga.run)


def on_result(result: StoreResult, deps: Deps) -> None:
    row = FULFILMENTS.find(deps.db, result.reference)
    if row is None or row.saga is None:
        return
    current = saga.from_json(row.saga)
    if result.command_id != command_id(row.reference, current.run, result.action, result.store):
        return  # a reply to an earlier run
    decision = saga.on_reply(current, result.store, result.action, result.ok, result.error,
                             deps.now())
    if decision is None:
        return
    if (decision.saga.phase is saga.Phase.COMMIT and current.phase is saga.Phase.PREPARE
            and is_withdrawn(deps.db, withdrawals, result.reference)):
        decision = saga.fail(current, WITHDRAWN, deps.now())
    outcomes = row.outcomes
    if result.action is StoreAction.COMMIT and result.ok:
        outcomes = outcomes + [{**o.model_dump(mode="json"), "store": result.store.value}
                               for o in result.outcomes]
    _apply(deps, row, decision, outcomes=outcomes)


def retry(row: Row[Any], deps: Deps) -> int | None:
    """Run the saga again from prepare (a review decided so); the new run, or ``None``."""
    if row.saga is None or row.command is None:
        return None
    decision = saga.restart(saga.from_json(row.saga), deps.now())
    if decision is None:
        return None
    _apply(deps, row, decision, outcomes=row.command.get("refused", []))
    return decision.saga.run


def on_tick(row: Row[Any], now: datetime, deps: Deps) -> None:
    decision = saga.on_tick(saga.from_json(row.saga), now, limits(deps))
    if decision is not None:
        _apply(deps, row, decision)


def _apply(deps: Deps, row: Row[Any], decision: saga.Decision, **values: Any) -> None:
    state = decision.saga
    done = state.phase is saga.Phase.COMPLETED  # a failed saga keeps its command for a retry
    FULFILMENTS.save(deps.db, row, deps.now(), state=state.phase.value,
                   saga=saga.to_json(state), due_at=state.due_at(limits(deps)),
                   **({"command": None} if done else {}), **values)
    _send(deps, row, decision.sends, state.run)
    if state.phase is saga.Phase.COMPLETED:
        if Right(row.right) is Right.RESTRICTION and row.command is not None:
            lifting.remember(row.reference, row.command, deps)
        deps.publish(FulfilmentCompleted(
            reference=row.reference, right=Right(row.right),
            outcomes=[CategoryOutcome.model_validate(o)
                      for o in values.get("outcomes", row.outcomes)],
        ), subject=row.reference)
    elif state.phase is saga.Phase.FAILED:
        deps.publish(FulfilmentFailed(
            reference=row.reference, right=Right(row.right), reason=state.reason()[:500],
            compensated=list(state.compensated),
            not_restored=[s for s in state.stores if s not in state.compensated],
        ), subject=row.reference)


def command_id(reference: str, run: int, action: StoreAction, store: Store) -> str:
    """Unique per (run, action, store): a re-send has the same id, a retried run new ones."""
    prefix = reference if run == 1 else f"{reference}:r{run}"
    return f"{prefix}:{action.value}:{store.value}"


def _send(deps: Deps, row: Row[Any], sends: tuple[saga.Send, ...], run: int) -> None:
    """Publish one signed command per decision; a re-send has the same command id."""
    template = row.command
    if not sends or template is None:
        return
    for send in sends:
        step = template["steps"][send.store.value]
        deps.publish(StoreCommand(
            command_id=command_id(row.reference, run, send.action, send.store), run=run,
            reference=row.reference, store=send.store, action=send.action,
            change=StoreAction(step["change"]), customer_code=template["customer_code"],
            holdings=template["holdings"], categories=step["categories"],
            corrections=template["corrections"], purposes=template.get("purposes", []),
            statement=template.get("statement"),
        ), subject=row.reference)


