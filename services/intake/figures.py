"""Figures of the registry for the metrics endpoint and the console's dashboard: requests
by state and by deadline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Engine, func, select

from contracts.vocabulary import RequestState
from services.intake.tables import requests

r = requests.c
FINAL = [s.value for s in RequestState if s.is_final]


def registry_figures(engine: Engine) -> Callable[[datetime], dict[str, dict[str, int]]]:
    def read(now: datetime) -> dict[str, dict[str, int]]:
        today = now.date()
        with engine.connect() as conn:
            rows = conn.execute(select(r.state, func.count()).group_by(r.state)).all()
            by_state = {str(state): int(count) for state, count in rows}
            open_ = r.state.not_in(FINAL)
            past_target = conn.execute(select(func.count()).where(open_, r.target_on < today))
            past_due = conn.execute(select(func.count()).where(open_, r.due_on < today))
            return {"by_state": by_state,
                    "deadlines": {"past_target": int(past_target.scalar_one()),
                                  "past_due": int(past_due.scalar_one())}}
    return read


class OpenRequests(NamedTuple):
    """The console's dashboard: open requests by state and right, late ones, and how many
    fall due on each of the next days (index ``ix_requests_due``)."""

    by_state: dict[str, int]
    by_right: dict[str, int]
    past_target: int
    past_due: int
    due_per_day: dict[date, int]


def open_requests(engine: Engine, today: date, days: int = 30) -> OpenRequests:
    """One scan of the open requests, grouped by state, right and due date."""
    open_ = r.state.not_in(FINAL)
    horizon = today + timedelta(days=days)
    by_state: Counter[str] = Counter()
    by_right: Counter[str] = Counter()
    due: Counter[date] = Counter()
    past_target = past_due = 0
    with engine.connect() as conn:
        groups = conn.execute(select(r.state, r.right, r.due_on, r.target_on, func.count())
                              .where(open_).group_by(r.state, r.right, r.due_on, r.target_on))
        for state, right, due_on, target_on, count in groups:
            by_state[str(state)] += count
            by_right[str(right)] += count
            past_target += count if target_on < today else 0
            past_due += count if due_on < today else 0
            if today <= due_on < horizon:
                due[due_on] += count
    return OpenRequests(dict(by_state), dict(by_right), past_target, past_due, dict(due))
