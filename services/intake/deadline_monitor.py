"""Rulebook §2.5: escalate at the internal target, record a breach after the due date.

Driven by ``clock.ticked.v1``; what was raised is kept in the registry, so a restart neither
forgets nor repeats an alert, and a breach stays visible.
"""

from __future__ import annotations

from datetime import date

from contracts.status import ClockTicked, DeadlineBreached, DeadlineEscalated
from services.intake import registry
from services.runtime.deps import Deps


def on_tick(tick: ClockTicked, deps: Deps) -> None:
    today = tick.now.date()
    _escalate(deps, today, tick)
    _record_breaches(deps, today, tick)


def _escalate(deps: Deps, today: date, tick: ClockTicked) -> None:
    for row in registry.to_escalate(deps.db, today):
        registry.mark(deps.db, row.reference, escalated_at=tick.now)
        deps.publish(DeadlineEscalated(reference=row.reference, right=row.right,
                                       state=row.state, target_on=row.target_on,
                                       due_on=row.due_on), subject=row.reference)


def _record_breaches(deps: Deps, today: date, tick: ClockTicked) -> None:
    for row in registry.newly_breached(deps.db, today):
        registry.mark(deps.db, row.reference, breached_at=tick.now)
        deps.publish(DeadlineBreached(reference=row.reference, right=row.right,
                                      state=row.state, due_on=row.due_on),
                     subject=row.reference)
