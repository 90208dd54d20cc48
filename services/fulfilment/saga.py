"""The fulfilment saga as pure decisions (rulebook §7): no database, no bus, no clock.

Prepare in every store, then commit in every store. A store that fails for good (a failed
reply, or no reply after ``attempts`` sends ``timeout`` apart) starts the compensation: every
store is compensated in reverse plan order, one at a time, and the saga ends ``failed`` with
a reason a person can act on. Each decision returns the new state and the commands to send;
a command is identified by (store, action), so a re-send carries the same command id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from contracts.backoffice import StoreAction
from contracts.vocabulary import Store


class Phase(StrEnum):
    PREPARE = "prepare"
    COMMIT = "commit"
    COMPENSATE = "compensate"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def action(self) -> StoreAction | None:
        return STEP_ACTIONS.get(self)


STEP_ACTIONS = {Phase.PREPARE: StoreAction.PREPARE, Phase.COMMIT: StoreAction.COMMIT,
                Phase.COMPENSATE: StoreAction.COMPENSATE}


@dataclass(frozen=True)
class Limits:
    timeout: timedelta
    attempts: int


@dataclass(frozen=True)
class Waiting:
    """A command sent to a store whose reply has not come."""

    store: Store
    attempts: int
    sent_at: datetime


@dataclass(frozen=True)
class Saga:
    stores: tuple[Store, ...]
    phase: Phase
    waiting: tuple[Waiting, ...] = ()
    to_compensate: tuple[Store, ...] = ()
    failure: str | None = None
    compensated: tuple[Store, ...] = ()
    not_restored: tuple[str, ...] = ()
    run: int = 1

    @property
    def over(self) -> bool:
        return self.phase in (Phase.COMPLETED, Phase.FAILED)

    def due_at(self, limits: Limits) -> datetime | None:
        """When the oldest unanswered command is overdue (None: nothing awaited)."""
        return min((w.sent_at + limits.timeout for w in self.waiting), default=None)

    def reason(self) -> str:
        """Why the request goes to manual review, and what a person must check."""
        parts = [f"fulfilment failed: {self.failure}"]
        if self.compensated:
            parts.append("restored to their state before the request: "
                         + ", ".join(s.value for s in self.compensated))
        if self.not_restored:
            parts.append("NOT restored, check by hand: " + "; ".join(self.not_restored))
        return "; ".join(parts)


@dataclass(frozen=True)
class Send:
    store: Store
    action: StoreAction


@dataclass(frozen=True)
class Decision:
    saga: Saga
    sends: tuple[Send, ...] = ()


def start(stores: tuple[Store, ...], now: datetime) -> Decision:
    return _send_all(Saga(stores=stores, phase=Phase.PREPARE), Phase.PREPARE, now)


def restart(saga: Saga, now: datetime) -> Decision | None:
    """A review decided to retry a failed saga: a new run, from prepare, in every store."""
    if saga.phase is not Phase.FAILED:
        return None
    return _send_all(Saga(stores=saga.stores, phase=Phase.PREPARE, run=saga.run + 1),
                     Phase.PREPARE, now)


def on_reply(saga: Saga, store: Store, action: StoreAction, ok: bool, error: str | None,
             now: datetime) -> Decision | None:
    """A store answered; ``None`` when the reply is stale (an earlier phase, a duplicate)."""
    if saga.phase.action is not action or store not in _awaited(saga):
        return None
    if saga.phase is Phase.COMPENSATE:
        if ok:
            return _next_compensation(replace(saga, compensated=(*saga.compensated, store)),
                                      now)
        return _next_compensation(_unrestored(saga, f"{store.value}: {error}"), now)
    if not ok:
        return fail(saga, f"{store.value} refused to {action.value}: {error}", now)
    rest = tuple(w for w in saga.waiting if w.store is not store)
    if rest:
        return Decision(replace(saga, waiting=rest))
    if saga.phase is Phase.PREPARE:
        return _send_all(saga, Phase.COMMIT, now)
    done = replace(saga, phase=Phase.COMPLETED, waiting=())
    return Decision(done, tuple(Send(s, StoreAction.RELEASE) for s in saga.stores))


def on_tick(saga: Saga, now: datetime, limits: Limits) -> Decision | None:
    """Re-send what is overdue; a store out of attempts has failed for good."""
    overdue = [w for w in saga.waiting if w.sent_at + limits.timeout <= now]
    action = saga.phase.action
    if not overdue or action is None:
        return None
    spent = next((w for w in overdue if w.attempts >= limits.attempts), None)
    if spent is not None:
        why = f"{spent.store.value} did not answer {action.value} after {spent.attempts} sends"
        if saga.phase is Phase.COMPENSATE:
            return _next_compensation(_unrestored(saga, why), now)
        return fail(saga, why, now)
    again = {w.store: Waiting(w.store, w.attempts + 1, now) for w in overdue}
    waiting = tuple(again.get(w.store, w) for w in saga.waiting)
    return Decision(replace(saga, waiting=waiting), tuple(Send(s, action) for s in again))


def fail(saga: Saga, failure: str, now: datetime) -> Decision:
    """Stop going forward: compensate every store, last in plan order first."""
    if saga.phase not in (Phase.PREPARE, Phase.COMMIT):
        return Decision(saga)
    begun = replace(saga, phase=Phase.COMPENSATE, waiting=(), failure=failure,
                    to_compensate=tuple(reversed(saga.stores)))
    return _next_compensation(begun, now)


def _next_compensation(saga: Saga, now: datetime) -> Decision:
    if not saga.to_compensate:
        return Decision(replace(saga, phase=Phase.FAILED, waiting=()))
    store, *rest = saga.to_compensate
    moved = replace(saga, waiting=(Waiting(store, 1, now),), to_compensate=tuple(rest))
    return Decision(moved, (Send(store, StoreAction.COMPENSATE),))


def _send_all(saga: Saga, phase: Phase, now: datetime) -> Decision:
    action = phase.action
    assert action is not None
    waiting = tuple(Waiting(s, 1, now) for s in saga.stores)
    return Decision(replace(saga, phase=phase, waiting=waiting),
                    tuple(Send(s, action) for s in saga.stores))


def _awaited(saga: Saga) -> set[Store]:
    return {w.store for w in saga.waiting}


def _unrestored(saga: Saga, why: str) -> Saga:
    return replace(saga, not_restored=(*saga.not_restored, why))


def to_json(saga: Saga) -> dict[str, Any]:
    return {
        "stores": [s.value for s in saga.stores], "phase": saga.phase.value,
        "waiting": [{"store": w.store.value, "attempts": w.attempts,
                     "sent_at": w.sent_at.isoformat()} for w in saga.waiting],
        "to_compensate": [s.value for s in saga.to_compensate], "failure": saga.failure,
        "compensated": [s.value for s in saga.compensated],
        "not_restored": list(saga.not_restored), "run": saga.run,
    }


def from_json(data: dict[str, Any]) -> Saga:
    return Saga(
        stores=tuple(Store(s) for s in data["stores"]), phase=Phase(data["phase"]),
        waiting=tuple(Waiting(Store(w["store"]), w["attempts"],
                              datetime.fromisoformat(w["sent_at"])) for w in data["waiting"]),
        to_compensate=tuple(Store(s) for s in data["to_compensate"]),
        failure=data["failure"], compensated=tuple(Store(s) for s in data["compensated"]),
        not_restored=tuple(data["not_restored"]), run=data.get("run", 1),
    )
