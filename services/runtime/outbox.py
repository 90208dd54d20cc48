"""The outbox: messages committed with the state change, published after commit.

A row lives from the commit of its transaction until the broker confirms it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, MetaData, delete, insert, select

from services.runtime.delivery import PublishedRecord
from services.runtime.deps import Outgoing


class Outbox:
    def __init__(self, metadata: MetaData) -> None:
        self._table = metadata.tables["outbox"]
        self._insert = insert(self._table).returning(self._table.c.id,
                                                     sort_by_parameter_order=True)

    def add(self, db: Connection, messages: Sequence[Outgoing], bodies: Sequence[bytes],
            now: datetime) -> list[int]:
        """Insert ``messages`` (serialized as ``bodies``) in the caller's transaction, in one
        statement; return their row ids in the same order."""
        if not messages:
            return []
        rows = [{"event_id": m.event.id, "exchange": m.exchange, "routing_key": m.routing_key,
                 "body": body, "created_at": now} for m, body in zip(messages, bodies,
                                                                     strict=True)]
        return [int(i) for i in db.execute(self._insert, rows).scalars()]

    def pending(
        self, engine: Engine, older_than: datetime, limit: int = 500
    ) -> list[PublishedRecord]:
        """Rows committed but not yet confirmed by the broker (after a crash, say)."""
        t = self._table
        query = (
            select(t.c.id, t.c.exchange, t.c.routing_key, t.c.body)
            .where(t.c.created_at <= older_than)
            .order_by(t.c.id)
            .limit(limit)
        )
        with engine.connect() as conn:
            return [PublishedRecord(*row) for row in conn.execute(query)]

    def forget(self, db: Connection, ids: Sequence[int]) -> None:
        """Delete the rows ``ids`` in the caller's transaction."""
        if ids:
            db.execute(delete(self._table).where(self._table.c.id.in_(ids)))

    def forget_published(self, engine: Engine, ids: Iterable[int]) -> None:
        """Delete rows the broker confirmed: the bus has them, and their payloads may hold
        personal data that must not linger here."""
        ids = list(ids)
        if not ids:
            return
        with engine.begin() as conn:
            self.forget(conn, ids)


_OUTBOXES: WeakKeyDictionary[MetaData, Outbox] = WeakKeyDictionary()


def outbox_of(metadata: MetaData) -> Outbox:
    """One per worker's tables, so that its statement is built (and its key cached) once."""
    if metadata not in _OUTBOXES:
        _OUTBOXES[metadata] = Outbox(metadata)
    return _OUTBOXES[metadata]


class Confirmed:
    """Ids of one worker's outbox rows the broker confirmed and nobody deleted yet.

    The relay adds them as confirms arrive (the I/O thread); the worker's own thread takes
    them into the next message's transaction, or into a deletion of their own when no message
    comes (``Processor.forget_confirmed``). A transaction that rolls back puts them back."""

    def __init__(self) -> None:
        self._ids: deque[int] = deque()

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, outbox_id: int) -> None:
        self._ids.append(outbox_id)

    def take(self, limit: int = 1000) -> list[int]:
        taken: list[int] = []
        while len(taken) < limit:
            try:
                taken.append(self._ids.popleft())
            except IndexError:
                break
        return taken

    def put_back(self, ids: Iterable[int]) -> None:
        self._ids.extend(ids)


def sweep_cutoff(now: datetime, grace_s: float) -> datetime:
    return now - timedelta(seconds=grace_s)
