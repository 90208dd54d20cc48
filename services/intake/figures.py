"""Figures of the registry for the metrics endpoint: requests by state and by deadline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

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
