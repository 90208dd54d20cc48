"""A message's transaction on PostgreSQL in three round trips, as the floor's.

psycopg sends ``BEGIN`` on its own round trip before a transaction's first statement, even in
pipeline mode. The unit of work therefore holds its connection in autocommit at the driver
and opens the transaction itself: ``BEGIN`` and the inbox claim travel in one pipeline (one
round trip), the handler's statements as they come, and the deletion of outbox rows the broker
confirmed, the outbox insert and ``COMMIT`` in a second pipeline (one round trip). In a
pipeline a failed statement skips every later one up to the sync, so a failed insert never
commits: the transaction stays open in error and the unit of work rolls it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from services.runtime.deps import Outgoing

Statement = tuple[sql.Composed | sql.SQL, Sequence[Any]]
_BEGIN: Statement = (sql.SQL("BEGIN"), ())
_COMMIT: Statement = (sql.SQL("COMMIT"), ())
SAVEPOINT: Statement = (sql.SQL("SAVEPOINT message"), ())
ROLLBACK_TO_SAVEPOINT: Statement = (sql.SQL("ROLLBACK TO SAVEPOINT message"), ())


@dataclass(frozen=True)
class Statements:
    """The runtime's statements on one service's schema."""

    inbox: sql.Composable
    outbox: sql.Composable
    schema: str | None

    @classmethod
    def of(cls, engine: Engine) -> Statements:
        translate = engine.get_execution_options().get("schema_translate_map") or {}
        schema = translate.get(None)
        return cls(inbox=_table(schema, "inbox"), outbox=_table(schema, "outbox"), schema=schema)

    def claim(self, values: dict[str, Any]) -> Statement:
        query = sql.SQL("INSERT INTO {} (consumer, source, message_id, digest, handled_at) "
                        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING "
                        "RETURNING consumer").format(self.inbox)
        return query, (values["consumer"], values["source"], values["message_id"],
                       values["digest"], values["handled_at"].astimezone(UTC))

    def add(self, outgoing: Sequence[Outgoing], bodies: Sequence[bytes],
            now: datetime) -> Statement:
        rows = sql.SQL(", ").join([sql.SQL("(%s, %s, %s, %s, %s)")] * len(outgoing))
        query = sql.SQL("INSERT INTO {} (event_id, exchange, routing_key, body, created_at) "
                        "VALUES {} RETURNING id, event_id").format(self.outbox, rows)
        at = now.astimezone(UTC)
        params: list[Any] = []
        for o, body in zip(outgoing, bodies, strict=True):
            params += [o.event.id, o.exchange, o.routing_key, body, at]
        return query, params

    def forget(self, ids: Sequence[int]) -> Statement:
        return sql.SQL("DELETE FROM {} WHERE id = ANY(%s)").format(self.outbox), (list(ids),)


def _table(schema: str | None, name: str) -> sql.Composable:
    return sql.Identifier(schema, name) if schema else sql.Identifier(name)


def begin_with(db: Connection, statements: list[Statement]) -> list[list[tuple[Any, ...]]]:
    """Open the transaction and run ``statements`` in it, in one round trip; their rows."""
    rows = run(db, [_BEGIN, *statements])[1:]
    driver: psycopg.Connection[Any] = db.connection.driver_connection  # type: ignore[assignment]
    if driver.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        raise RuntimeError("BEGIN did not open a transaction: nothing may run outside one")
    return rows


def commit_with(db: Connection, statements: list[Statement]) -> list[list[tuple[Any, ...]]]:
    """Run ``statements`` then ``COMMIT``, in one round trip; the rows of each statement."""
    return run(db, [*statements, _COMMIT])[:-1]


def run(db: Connection, statements: list[Statement]) -> list[list[tuple[Any, ...]]]:
    """Send ``statements`` in one pipeline; the rows each returned (empty if none).

    A driver error is raised as SQLAlchemy's, as if SQLAlchemy had run the statement, and a
    connection the server dropped is invalidated, so that ``DatabaseOutage`` retries."""
    driver: psycopg.Connection[Any] = db.connection.driver_connection  # type: ignore[assignment]
    cursors = [driver.cursor() for _ in statements]
    try:
        with driver.pipeline():
            for cursor, (query, params) in zip(cursors, statements, strict=True):
                cursor.execute(query, params)
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
    except psycopg.Error as exc:
        broken = driver.broken or driver.closed
        if broken:
            db.invalidate(exc)
        raise DBAPIError.instance(None, None, exc, psycopg.Error,
                                  connection_invalidated=broken) from exc
    finally:
        for cursor in cursors:
            cursor.close()
