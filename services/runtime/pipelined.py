"""A message's transaction on PostgreSQL in three round trips, as the floor's.

psycopg sends ``BEGIN`` on its own round trip before a transaction's first statement, even in
pipeline mode. The unit of work therefore holds its connection in autocommit at the driver
and opens the transaction itself: ``BEGIN`` and the inbox claim travel in one query (one
round trip), the handler's statements as they come, and the deletion of outbox rows the broker
confirmed, the outbox insert and ``COMMIT`` in a second query (one round trip). The
statements of one query are bound on the client (psycopg's ``ClientCursor``, which quotes
every value) and sent as one simple query: fewer system calls and less Python than psycopg's
pipeline mode, which was tried first. A failed statement makes the server skip the rest of
the query, so a failed insert never commits: the transaction stays open in error and the unit
of work rolls it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from services.runtime.deps import Outgoing

Statement = tuple[str, Sequence[Any]]
_BEGIN: Statement = ("BEGIN", ())
_COMMIT: Statement = ("COMMIT", ())
_ROW = "(%s, %s, %s, %s, %s)"


@dataclass(frozen=True)
class Statements:
    """The runtime's statements on one service's schema, rendered once."""

    inbox: str
    outbox: str

    @classmethod
    def of(cls, engine: Engine) -> Statements:
        translate = engine.get_execution_options().get("schema_translate_map") or {}
        schema = translate.get(None)
        return cls(inbox=_table(schema, "inbox"), outbox=_table(schema, "outbox"))

    def claim(self, values: dict[str, Any]) -> Statement:
        query = (f"INSERT INTO {self.inbox} (consumer, source, message_id, digest, handled_at) "
                 f"VALUES {_ROW} ON CONFLICT DO NOTHING RETURNING consumer")
        return query, (values["consumer"], values["source"], values["message_id"],
                       values["digest"], values["handled_at"].astimezone(UTC))

    def add(self, outgoing: Sequence[Outgoing], bodies: Sequence[bytes],
            now: datetime) -> Statement:
        query = (f"INSERT INTO {self.outbox} (event_id, exchange, routing_key, body, created_at) "
                 f"VALUES {', '.join([_ROW] * len(outgoing))} RETURNING id, event_id")
        at = now.astimezone(UTC)
        params: list[Any] = []
        for o, body in zip(outgoing, bodies, strict=True):
            params += [o.event.id, o.exchange, o.routing_key, body, at]
        return query, params

    def forget(self, ids: Sequence[int]) -> Statement:
        return f"DELETE FROM {self.outbox} WHERE id = ANY(%s)", (list(ids),)


def _table(schema: str | None, name: str) -> str:
    """``"schema"."name"``, quoted as PostgreSQL quotes identifiers."""
    parts = [schema, name] if schema else [name]
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


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
    """Send ``statements`` in one query, bound on the client; the rows each returned (empty
    if none). After a failed statement the server skips the rest of the query.

    A driver error is raised as SQLAlchemy's, as if SQLAlchemy had run the statement, and a
    connection the server dropped is invalidated, so that ``DatabaseOutage`` retries."""
    driver: psycopg.Connection[Any] = db.connection.driver_connection  # type: ignore[assignment]
    query = "; ".join([statement for statement, _ in statements])
    params = [value for _, values in statements for value in values]
    rows: list[list[tuple[Any, ...]]] = []
    try:
        with psycopg.ClientCursor(driver) as cursor:
            cursor.execute(query, params)
            while True:
                rows.append(cursor.fetchall() if cursor.description else [])
                if not cursor.nextset():
                    break
    except psycopg.Error as exc:
        broken = driver.broken or driver.closed
        if broken:
            db.invalidate(exc)
        raise DBAPIError.instance(None, None, exc, psycopg.Error,
                                  connection_invalidated=broken) from exc
    return rows
