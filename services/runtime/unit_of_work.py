"""One transaction per message: the inbox entry, the state change and the outbox together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
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
from services.runtime.clock import Clock
from services.runtime.delivery import PublishedRecord
from services.runtime.deps import Outgoing
from services.runtime.outbox import Outbox


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
    row instead of running its handler too); on SQLite, where the first write takes the
    database's lock until commit, the inbox is read first and written at commit.
    """

    def __init__(self, engine: Engine, metadata: MetaData, clock: Clock) -> None:
        self._engine = engine
        self._inbox = _inbox_statements(engine, metadata)
        self._outbox = _outbox_of(metadata)
        self._clock = clock
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._unwritten: dict[str, object] | None = None  # the inbox row to write at commit

    def __enter__(self) -> UnitOfWork:
        self._connection = self._engine.connect()
        self._transaction = self._connection.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()
        if self._connection is not None:
            self._connection.close()

    @property
    def db(self) -> Connection:
        assert self._connection is not None, "unit of work used outside 'with'"
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
        elif self.db.execute(inbox.claim, values).first() is not None:
            if not inbox.may_hold_sourceless(self.db):
                return Seen.NEW
            # a row recorded before the inbox knew sources (inbox_source migrations)
            row = self.db.execute(inbox.find, {**values, "source": ""}).first()
        else:
            row = self.db.execute(inbox.find, values).first()
        if row is None:
            return Seen.NEW
        return Seen.DUPLICATE if row.digest in (key.digest, "") else Seen.CONFLICT

    def commit(self, outgoing: list[Outgoing]) -> tuple[PublishedRecord, ...]:
        """Store ``outgoing`` in the outbox and commit with the inbox entry and the handler's
        changes."""
        if self._unwritten is not None:
            self.db.execute(self._inbox.insert, self._unwritten)
        bodies = [o.event.to_json() for o in outgoing]
        ids = self._outbox.add(self.db, outgoing, bodies, self._clock.now())
        assert self._transaction is not None
        self._transaction.commit()
        return tuple(
            PublishedRecord(i, o.exchange, o.routing_key, body)
            for i, o, body in zip(ids, outgoing, bodies, strict=True)
        )


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


_OUTBOXES: WeakKeyDictionary[MetaData, Outbox] = WeakKeyDictionary()


def _outbox_of(metadata: MetaData) -> Outbox:
    """One per worker's tables, so that its statement is built (and its key cached) once."""
    if metadata not in _OUTBOXES:
        _OUTBOXES[metadata] = Outbox(metadata)
    return _OUTBOXES[metadata]


#: per engine (one per service and process), so that each database is checked once
_STATEMENTS: WeakKeyDictionary[Engine, _Inbox] = WeakKeyDictionary()


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
