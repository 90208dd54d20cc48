"""Figures of the registry for the metrics endpoint and the console's dashboard: requests
by state and by deadline."""

from __future__ import annotations

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
    open_ = r.state.not_in(FINAL)
    horizon = today + timedelta(days=days)
    with engine.connect() as conn:
        by_state = conn.execute(select(r.state, func.count()).where(open_)
                                .group_by(r.state)).all()
        by_right = conn.execute(select(r.right, func.count()).where(open_)
                                .group_by(r.right)).all()
        late = conn.execute(select(
            func.count().filter(r.target_on < today), func.count().filter(r.due_on < today))
            .where(open_)).one()
        due = conn.execute(select(r.due_on, func.count())
                           .where(open_, r.due_on >= today, r.due_on < horizon)
                           .group_by(r.due_on)).all()
    return OpenRequests({str(s): int(n) for s, n in by_state},
                        {str(g): int(n) for g, n in by_right},
                        int(late[0]), int(late[1]), {d: int(n) for d, n in due})
