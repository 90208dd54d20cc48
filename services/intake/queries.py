"""What the operator's tools read from the registry: requests that stopped moving, and what
intake answered the intakes it refused."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Engine, func, select

from contracts.vocabulary import RequestState
from services.intake.tables import rejected_intakes, requests

FINAL = [s.value for s in RequestState if s.is_final]


class StuckRequest(NamedTuple):
    reference: str
    right: str
    state: str
    reason: str | None
    updated_at: datetime
    due_on: date


class Rejection(NamedTuple):
    """One problem of a refused intake, as told the channel."""

    channel_reference: str | None
    field: str
    problem: str


def stuck_requests(engine: Engine, cutoff: datetime) -> list[StuckRequest]:
    """Open requests whose last step is older than ``cutoff``, the longest waiting first."""
    r = requests.c
    query = (select(r.reference, r.right, r.state, r.reason, r.updated_at, r.due_on)
             .where(r.state.not_in(FINAL), r.updated_at < cutoff).order_by(r.updated_at))
    with engine.connect() as conn:
        return [StuckRequest(*row) for row in conn.execute(query)]


def rejection_of(engine: Engine, event_id: str) -> list[tuple[str, str]]:
    """The problems intake answered event ``event_id`` with (empty: not rejected)."""
    query = select(rejected_intakes.c.problems).where(rejected_intakes.c.message_id == event_id)
    with engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    return [(str(where), str(what)) for where, what in json.loads(found)] if found else []


def rejections(engine: Engine) -> list[Rejection]:
    """Every problem of every refused intake."""
    with engine.connect() as conn:
        rows = conn.execute(select(rejected_intakes.c.channel_reference,
                                   rejected_intakes.c.problems)).all()
    return [Rejection(channel_reference, field, problem)
            for channel_reference, problems in rows
            for field, problem in json.loads(problems)]


def count_in_state(engine: Engine, state: RequestState) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(requests.c.state == state.value)
        return int(conn.execute(query).scalar_one())
