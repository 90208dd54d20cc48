"""The outbox: messages committed with the state change, published after commit.

A row lives from the commit of its transaction until the broker confirms it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

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

    def forget_published(self, engine: Engine, ids: Iterable[int]) -> None:
        """Delete rows the broker confirmed: the bus has them, and their payloads may hold
        personal data that must not linger here."""
        ids = list(ids)
        if not ids:
            return
        with engine.begin() as conn:
            conn.execute(delete(self._table).where(self._table.c.id.in_(ids)))


def sweep_cutoff(now: datetime, grace_s: float) -> datetime:
    return now - timedelta(seconds=grace_s)
