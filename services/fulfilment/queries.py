"""What the operator's tools read from fulfilment: restriction lifts that wait for a person."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, select

from services.fulfilment.lifting import FAILED
from services.fulfilment.tables import restrictions


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
