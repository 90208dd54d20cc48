"""Rulebook §2.5: escalate at the internal target, record a breach after the due date.

Driven by ``clock.ticked.v1``; what was raised is kept in the registry, so a restart neither
forgets nor repeats an alert, and a breach stays visible.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from contracts.status import ClockTicked, DeadlineBreached, DeadlineEscalated
from services.intake.tables import requests
from services.runtime.deps import Deps

r = requests.c


def on_tick(tick: ClockTicked, deps: Deps) -> None:
    today = tick.now.date()
    _escalate(deps, today, tick)
    _record_breaches(deps, today, tick)


def _escalate(deps: Deps, today: date, tick: ClockTicked) -> None:
    due = deps.db.execute(select(requests).where(
        r.completed_at.is_(None), r.escalated_at.is_(None), r.target_on <= today)).all()
    for row in due:
        deps.db.execute(update(requests).where(r.reference == row.reference)
                        .values(escalated_at=tick.now))
        deps.publish(DeadlineEscalated(reference=row.reference, right=row.right,
                                       state=row.state, target_on=row.target_on,
                                       due_on=row.due_on), subject=row.reference)


def _record_breaches(deps: Deps, today: date, tick: ClockTicked) -> None:
    late = deps.db.execute(select(requests).where(
        r.completed_at.is_(None), r.breached_at.is_(None), r.due_on < today)).all()
    for row in late:
        deps.db.execute(update(requests).where(r.reference == row.reference)
                        .values(breached_at=tick.now))
        deps.publish(DeadlineBreached(reference=row.reference, right=row.right,
                                      state=row.state, due_on=row.due_on),
                     subject=row.reference)
