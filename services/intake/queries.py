"""What the operator's tools read from the registry: requests that stopped moving, what
intake answered the intakes it refused, and the back-office console's request list."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Engine, func, select, tuple_

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


class RequestFilter(NamedTuple):
    """What a back-office list asks for; ``None`` and ``False`` mean any."""

    state: str | None = None
    right: str | None = None
    channel: str | None = None
    past_target: bool = False
    past_due: bool = False


class Listed(NamedTuple):
    reference: str
    right: str
    channel: str
    state: str
    received_at: datetime
    target_on: date
    due_on: date


def request_page(engine: Engine, wanted: RequestFilter, today: date,
                 after: tuple[date, str] | None, limit: int) -> list[Listed]:
    """Up to ``limit`` requests by due date then reference, after the keyset ``after``.

    Keyset pagination on ``(due_on, reference)`` (index ``ix_requests_due``, and
    ``ix_requests_state_due`` when a state is chosen): page 2,000 costs what page 1 does.
    """
    r = requests.c
    query = select(r.reference, r.right, r.channel, r.state, r.received_at, r.target_on,
                   r.due_on)
    for column, value in ((r.state, wanted.state), (r.right, wanted.right),
                          (r.channel, wanted.channel)):
        if value:
            query = query.where(column == value)
    if wanted.past_target or wanted.past_due:
        query = query.where(r.state.not_in(FINAL))
    if wanted.past_target:
        query = query.where(r.target_on < today)
    if wanted.past_due:
        query = query.where(r.due_on < today)
    if after is not None:
        query = query.where(tuple_(r.due_on, r.reference) > tuple_(*after))
    query = query.order_by(r.due_on, r.reference).limit(limit)
    with engine.connect() as conn:
        return [Listed(*row) for row in conn.execute(query)]


def request_of(engine: Engine, reference: str) -> dict[str, Any] | None:
    """One request's registry row (its claim is not here: intake never keeps it)."""
    with engine.connect() as conn:
        row = conn.execute(select(requests).where(requests.c.reference == reference)).first()
    return dict(row._mapping) if row is not None else None
