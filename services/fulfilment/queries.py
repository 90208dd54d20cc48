"""What the operator's tools read from fulfilment: restriction lifts that wait for a person,
and for the console, where one request's fulfilment and restriction stand."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, select

from services.fulfilment.lifting import FAILED
from services.fulfilment.tables import fulfilments, restrictions


class FailedLift(NamedTuple):
    reference: str
    failure: str | None
    updated_at: datetime


def failed_lifts(engine: Engine) -> list[FailedLift]:
    """Restriction lifts a store never answered, the oldest first."""
    t = restrictions.c
    query = (select(t.reference, t.failure, t.updated_at).where(t.state == FAILED)
             .order_by(t.updated_at))
    with engine.connect() as conn:
        return [FailedLift(*row) for row in conn.execute(query)]


class Fulfilment(NamedTuple):
    state: str
    right: str
    retryable: bool
    """A failed saga whose commands are kept: ``retry`` may run it again."""


class Restriction(NamedTuple):
    state: str
    requested_by: str | None
    reason: str | None
    lift_at: datetime | None
    notified_at: datetime | None
    failure: str | None


def fulfilment_of(engine: Engine, reference: str) -> Fulfilment | None:
    t = fulfilments.c
    with engine.connect() as conn:
        row = conn.execute(select(t.state, t.right, t.command)
                           .where(t.reference == reference)).first()
    return None if row is None else Fulfilment(row.state, row.right, row.command is not None)


def restriction_of(engine: Engine, reference: str) -> Restriction | None:
    """A restriction in force and where its lifting stands: asked by whom, notice sent when,
    lifted from when."""
    t = restrictions.c
    with engine.connect() as conn:
        row = conn.execute(select(t.state, t.requested_by, t.reason, t.lift_at, t.notified_at,
                                  t.failure).where(t.reference == reference)).first()
    return None if row is None else Restriction(*row)
