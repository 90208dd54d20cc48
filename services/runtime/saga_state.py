"""Saga state rows updated with optimistic concurrency (a version column)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, update

from services.runtime.errors import RetryLater


def save_versioned(db: Connection, table: Table, row: Row[Any], now: datetime,
                   **values: Any) -> None:
    """Update ``row`` only if nobody changed it since it was read; else retry the message."""
    key = table.c.reference
    changed = db.execute(
        update(table).where(key == row.reference, table.c.version == row.version)
        .values(version=row.version + 1, updated_at=now, **values)
    ).rowcount
    if changed != 1:
        raise RetryLater(f"{table.name} {row.reference} changed concurrently")
