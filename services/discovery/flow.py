"""Discovery as pure decisions: no database, no bus, no clock.

Ask the CRM first; once it has answered (with the MSISDNs the subject held), ask billing and
the CDR. A store that does not answer within ``timeout`` is asked again with the same command
id, up to ``attempts`` sends; a store out of sends, or one that answers that it failed, fails
the discovery with a reason naming the store, so that the request goes to manual review
instead of waiting forever. Each decision returns the new state and the stores to ask.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from contracts.vocabulary import Store

FIRST = Store.CRM
FOLLOW_UP = (Store.BILLING, Store.CDR)


class Phase(StrEnum):
    ASKING_CRM = "asking_crm"
    FOLLOWING_UP = "following_up"
    COMPLETED = "completed"
    FAILED = "failed"
    STOPPED = "stopped"
    """Withdrawn: no store is asked again."""


@dataclass(frozen=True)
class Limits:
    timeout: timedelta
    attempts: int


@dataclass(frozen=True)
class Waiting:
    """A store asked to discover whose answer has not come."""

    store: Store
    attempts: int
    sent_at: datetime


@dataclass(frozen=True)
class Discovery:
    phase: Phase
    waiting: tuple[Waiting, ...] = ()
    failure: str | None = None
    failed_store: Store | None = None

    @property
    def over(self) -> bool:
        return self.phase in (Phase.COMPLETED, Phase.FAILED, Phase.STOPPED)

    def awaits(self, store: Store) -> bool:
        return any(w.store is store for w in self.waiting)

    def due_at(self, limits: Limits) -> datetime | None:
        """When the oldest unanswered question is overdue (None: nothing awaited)."""
        return min((w.sent_at + limits.timeout for w in self.waiting), default=None)


@dataclass(frozen=True)
class Decision:
    discovery: Discovery
    asks: tuple[Store, ...] = ()


def start(now: datetime) -> Decision:
    return Decision(Discovery(Phase.ASKING_CRM, (Waiting(FIRST, 1, now),)), (FIRST,))


def on_reply(discovery: Discovery, store: Store, ok: bool, error: str | None,
             now: datetime) -> Decision | None:
    """A store answered; ``None`` when the answer is stale (over, or not awaited)."""
    if discovery.over or not discovery.awaits(store):
        return None
    if not ok:
        return fail(discovery, store, f"{store.value} could not run discovery: {error}")
    rest = tuple(w for w in discovery.waiting if w.store is not store)
    if discovery.phase is Phase.ASKING_CRM:
        asked = tuple(Waiting(s, 1, now) for s in FOLLOW_UP)
        return Decision(Discovery(Phase.FOLLOWING_UP, rest + asked), FOLLOW_UP)
    if rest:
        return Decision(replace(discovery, waiting=rest))
    return Decision(Discovery(Phase.COMPLETED))


def on_tick(discovery: Discovery, now: datetime, limits: Limits) -> Decision | None:
    """Ask again what is overdue; a store out of sends has failed for good."""
    overdue = [w for w in discovery.waiting if w.sent_at + limits.timeout <= now]
    if discovery.over or not overdue:
        return None
    spent = next((w for w in overdue if w.attempts >= limits.attempts), None)
    if spent is not None:
        return fail(discovery, spent.store,
                    f"{spent.store.value} did not answer discovery after {spent.attempts} sends")
    again = {w.store: Waiting(w.store, w.attempts + 1, now) for w in overdue}
    waiting = tuple(again.get(w.store, w) for w in discovery.waiting)
    return Decision(replace(discovery, waiting=waiting), tuple(again))


def fail(discovery: Discovery, store: Store, failure: str) -> Decision:
    return Decision(Discovery(Phase.FAILED, failure=failure, failed_store=store))


def stop(discovery: Discovery) -> Decision | None:
    """The request was withdrawn: nothing more is asked."""
    return None if discovery.over else Decision(Discovery(Phase.STOPPED))


def to_json(discovery: Discovery) -> dict[str, Any]:
    return {
        "phase": discovery.phase.value,
        "waiting": [{"store": w.store.value, "attempts": w.attempts,
                     "sent_at": w.sent_at.isoformat()} for w in discovery.waiting],
        "failure": discovery.failure,
        "failed_store": discovery.failed_store.value if discovery.failed_store else None,
    }


def from_json(data: dict[str, Any]) -> Discovery:
    return Discovery(
        phase=Phase(data["phase"]),
        waiting=tuple(Waiting(Store(w["store"]), w["attempts"],
                              datetime.fromisoformat(w["sent_at"])) for w in data["waiting"]),
        failure=data.get("failure"),
        failed_store=Store(data["failed_store"]) if data.get("failed_store") else None,
    )
