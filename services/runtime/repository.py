"""A worker's rows of one table keyed by request reference: find, get, add, save.

Each worker's ``repository.py`` names its tables with this and adds the queries of its own
(what is overdue, what is due); the handlers keep their decisions and no SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table, insert, select, update

from services.runtime.errors import Reject
from services.runtime.saga_state import save_versioned


class ByReference:
    def __init__(self, table: Table, what: str) -> None:
        self.table = table
        self._what = what  # "fulfilment", "restriction": for the reason a person reads

    def find(self, db: Connection, reference: str, *, lock: bool = False) -> Row[Any] | None:
        """``lock``: the row stays locked until the transaction ends (``FOR UPDATE`` on
        PostgreSQL), for a table with no version whose handlers read, decide, then write."""
        query = select(self.table).where(self.table.c.reference == reference)
        return db.execute(query.with_for_update() if lock else query).first()

    def get(self, db: Connection, reference: str, *, lock: bool = False) -> Row[Any]:
        """The row of ``reference``; a message about a request with none is refused."""
        row = self.find(db, reference, lock=lock)
        if row is None:
            raise Reject(f"no {self._what} is known for {reference}")
        return row

    def add(self, db: Connection, **values: Any) -> None:
        db.execute(insert(self.table).values(**values))

    def update(self, db: Connection, reference: str, **values: Any) -> None:
        """Update the row of ``reference`` whatever its state (a table with no version)."""
        db.execute(update(self.table).where(self.table.c.reference == reference)
                   .values(**values))

    def save(self, db: Connection, row: Row[Any], now: datetime, **values: Any) -> None:
        """Update ``row`` if nobody changed it since it was read (a version column), else
        the message is retried."""
        save_versioned(db, self.table, row, now, **values)
