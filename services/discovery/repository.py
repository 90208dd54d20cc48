"""The discovery worker's rows: one discovery per request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from services.discovery.tables import discoveries
from services.runtime.repository import ByReference

DISCOVERIES = ByReference(discoveries, "discovery")


def overdue(db: Connection, now: datetime) -> list[Row[Any]]:
    """Discoveries whose stores are late to answer."""
    t = discoveries.c
    query = select(discoveries).where(t.due_at.is_not(None), t.due_at <= now)
    return list(db.execute(query.order_by(t.due_at)).all())
