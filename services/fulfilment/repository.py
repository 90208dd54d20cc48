"""The fulfilment worker's rows: the saga of each request, and the restrictions in force."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, or_, select

from services.fulfilment.tables import fulfilments, restrictions
from services.runtime.repository import ByReference

FULFILMENTS = ByReference(fulfilments, "fulfilment")
RESTRICTIONS = ByReference(restrictions, "restriction in force")


def overdue(db: Connection, now: datetime) -> list[Row[Any]]:
    """Sagas whose stores are late to answer."""
    t = fulfilments.c
    query = select(fulfilments).where(t.due_at.is_not(None), t.due_at <= now)
    return list(db.execute(query.order_by(t.due_at)).all())


def lifts_due(db: Connection, now: datetime, timeout: timedelta, announced: str,
              lifting: str) -> list[Row[Any]]:
    """Restrictions whose notice period is over (the customer told), or whose lift a store
    has not confirmed within ``timeout``."""
    t = restrictions.c
    lift = and_(t.state == announced, t.notified_at.is_not(None), t.lift_at <= now)
    resend = and_(t.state == lifting, t.sent_at <= now - timeout)
    return list(db.execute(select(restrictions).where(or_(lift, resend))
                           .order_by(t.lift_at)).all())
