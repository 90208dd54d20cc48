"""One transaction per message: the inbox entry, the state change and the outbox together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    MetaData,
    RootTransaction,
    bindparam,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from contracts.envelope import CloudEvent
from services.runtime import pipelined
from services.runtime.clock import Clock
from services.runtime.delivery import PublishedRecord
from services.runtime.deps import Outgoing
from services.runtime.outbox import Confirmed, outbox_of


@dataclass(frozen=True)
class InboxKey:
    """A message's identity in the inbox: CloudEvents ``source`` + ``id``, and a digest of
    what it says (type, subject, data; not its send time or trace), so that an id reused for
    another message is told from a redelivery or a re-send of the same one."""

    source: str
    message_id: str
    digest: str

    @classmethod
    def of(cls, event: CloudEvent) -> InboxKey:
        said = {"type": event.type, "subject": event.subject, "data": event.data}
        canonical = json.dumps(said, sort_keys=True, default=str).encode()
        return cls(event.source, event.id, hashlib.sha256(canonical).hexdigest())

    @classmethod
    def of_body(cls, body: bytes) -> InboxKey:
        """A body with no readable envelope is known by its digest alone."""
        digest = hashlib.sha256(body).hexdigest()
        return cls("", f"sha256:{digest}", digest)


class Seen(Enum):
    NEW = "new"
    DUPLICATE = "duplicate"  # same source, id and content: a redelivery
    CONFLICT = "conflict"  # same source and id, other content: a sender reused an id


class UnitOfWork:
    """``with UnitOfWork(...) as uow:`` commits only through ``uow.commit``; else rolls back.

    ``claim`` records the message in the inbox, in the same transaction as everything the
    handler then does: a rollback forgets it with the rest. On PostgreSQL the row is written
    first (one statement, and a second delivery of the same message waits on the first one's
    row instead of running its handler too), in one round trip with ``BEGIN``; the outbox rows
    travel with ``COMMIT`` (``pipelined``). On SQLite, where the first write takes the
    database's lock until commit, the inbox is read first and written at commit.

    ``confirmed``: outbox rows the broker confirmed, deleted in this transaction if it commits.
    """

    def __init__(self, engine: Engine, metadata: MetaData, clock: Clock,
                 confirmed: Confirmed | None = None) -> None:
        self._engine = engine
        self._inbox = _inbox_statements(engine, metadata)
        self._pipelined = _pipelined_statements(engine)
        self._outbox = outbox_of(metadata)
        self._clock = clock
        self._confirmed = confirmed
        self._forgetting: list[int] = []  # taken from ``confirmed``; put back unless committed
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._begun = self._pipelined is None  # on PostgreSQL the unit of work sends BEGIN
        self._unwritten: dict[str, object] | None = None  # the inbox row to write at commit

    def __enter__(self) -> UnitOfWork:
        connection = self._engine.connect()
        if self._pipelined is not None:  # reset to the engine's default when returned to the pool
            connection.execution_options(isolation_level="AUTOCOMMIT")
        self._connection = connection
        self._transaction = connection.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._confirmed is not None and self._forgetting:
            self._confirmed.put_back(self._forgetting)
        try:
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.rollback()
        finally:
            if self._connection is not None:
                self._connection.close()

    @property
    def db(self) -> Connection:
        assert self._connection is not None, "unit of work used outside 'with'"
        if not self._begun:
            pipelined.begin_with(self._connection, [])
            self._begun = True
        return self._connection

    def claim(self, consumer: str, key: InboxKey) -> Seen:
        """Record ``key`` in the inbox unless it is there: ``NEW`` if it was not (and now is,
        until a rollback), else whether the message there is the same one."""
        inbox = self._inbox
        values = {"consumer": consumer, "source": key.source, "message_id": key.message_id,
                  "digest": key.digest, "handled_at": self._clock.now()}
        if not inbox.write_first:
            row = self.db.execute(inbox.find_any, values).first()
            if row is None:
                self._unwritten = values
        elif self._claim_first(values):
            if not inbox.may_hold_sourceless(self.db):
                return Seen.NEW
            # a row recorded before the inbox knew sources (inbox_source migrations)
            row = self.db.execute(inbox.find, {**values, "source": ""}).first()
        else:
            row = self.db.execute(inbox.find, values).first()
        if row is None:
            return Seen.NEW
        return Seen.DUPLICATE if row.digest in (key.digest, "") else Seen.CONFLICT

    def _claim_first(self, values: dict[str, Any]) -> bool:
        """Insert the inbox row unless it is there (PostgreSQL); whether it was inserted."""
        if self._pipelined is None:
            return self.db.execute(self._inbox.claim, values).first() is not None
        claim = self._pipelined.claim(values)
        if self._begun:
            return bool(pipelined.run(self.db, [claim])[0])
        rows = pipelined.begin_with(self._connected, [claim])[0]
        self._begun = True
        return bool(rows)

    def commit(self, outgoing: list[Outgoing]) -> tuple[PublishedRecord, ...]:
        """Store ``outgoing`` in the outbox and commit with the inbox entry and the handler's
        changes."""
        if self._unwritten is not None:
            self.db.execute(self._inbox.insert, self._unwritten)
        bodies = [o.event.to_json() for o in outgoing]
        self._forgetting = self._confirmed.take() if self._confirmed is not None else []
        if self._pipelined is not None:
            ids = self._commit_pipelined(self._pipelined, outgoing, bodies)
        else:
            ids = self._outbox.add(self.db, outgoing, bodies, self._clock.now())
            self._outbox.forget(self.db, self._forgetting)
        assert self._transaction is not None
        self._transaction.commit()  # on PostgreSQL only SQLAlchemy's bookkeeping: sent already
        self._forgetting = []
        return tuple(
            PublishedRecord(i, o.exchange, o.routing_key, body)
            for i, o, body in zip(ids, outgoing, bodies, strict=True)
        )

    def _commit_pipelined(self, statements: pipelined.Statements, outgoing: list[Outgoing],
                          bodies: list[bytes]) -> list[int]:
        queued = [statements.forget(self._forgetting)] if self._forgetting else []
        if outgoing:
            queued.append(statements.add(outgoing, bodies, self._clock.now()))
        rows = pipelined.commit_with(self.db, queued)
        if not outgoing:
            return []
        ids = {event_id: int(row_id) for row_id, event_id in rows[-1]}
        return [ids[o.event.id] for o in outgoing]

    @property
    def _connected(self) -> Connection:
        assert self._connection is not None, "unit of work used outside 'with'"
        return self._connection


@dataclass
class _Inbox:
    """The inbox's statements, built once per engine."""

    write_first: bool  # PostgreSQL: claim (insert if absent) before the handler runs
    claim: Executable
    insert: Executable
    find: Executable
    find_any: Executable  # this source, or none (rows from before the inbox knew sources)
    sourceless: Executable
    none_sourceless: bool = False  # the database was seen to hold no such row

    def may_hold_sourceless(self, db: Connection) -> bool:
        """Whether the inbox holds rows recorded before it knew sources (migrated ones). New
        rows never lack a source but for unreadable bodies (``sha256:`` ids), so once the
        database is seen to hold none, it never will."""
        if not self.none_sourceless:
            self.none_sourceless = db.execute(self.sourceless).first() is None
        return not self.none_sourceless


#: per engine (one per service and process), so that each database is checked once
_STATEMENTS: WeakKeyDictionary[Engine, _Inbox] = WeakKeyDictionary()
_PIPELINED: WeakKeyDictionary[Engine, pipelined.Statements] = WeakKeyDictionary()


def _pipelined_statements(engine: Engine) -> pipelined.Statements | None:
    if engine.dialect.name != "postgresql":
        return None
    if engine not in _PIPELINED:
        _PIPELINED[engine] = pipelined.Statements.of(engine)
    return _PIPELINED[engine]


def _inbox_statements(engine: Engine, metadata: MetaData) -> _Inbox:
    if engine not in _STATEMENTS:
        table = metadata.tables["inbox"]
        postgres = engine.dialect.name == "postgresql"
        upsert = postgresql.insert if postgres else sqlite.insert
        c = table.c
        same = (c.consumer == bindparam("consumer"), c.message_id == bindparam("message_id"))
        _STATEMENTS[engine] = _Inbox(
            write_first=postgres,
            claim=upsert(table).on_conflict_do_nothing().returning(c.consumer),
            insert=insert(table),
            find=select(c.digest).where(*same, c.source == bindparam("source")),
            find_any=select(c.digest).where(*same, c.source.in_([bindparam("source"), ""])),
            sourceless=select(c.message_id).where(c.source == "",
                                                  c.message_id.not_like("sha256:%")).limit(1))
    return _STATEMENTS[engine]
