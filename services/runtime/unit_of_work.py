"""One transaction per message: the inbox entry, the state change and the outbox together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import Enum
from types import TracebackType

from sqlalchemy import Connection, Engine, MetaData, RootTransaction, insert, select

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
    """``with UnitOfWork(...) as uow:`` commits only through ``uow.commit``; else rolls back."""

    def __init__(self, engine: Engine, metadata: MetaData, clock: Clock) -> None:
        self._engine = engine
        self._inbox = metadata.tables["inbox"]
        self._outbox = Outbox(metadata)
        self._clock = clock
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None

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

    def seen(self, consumer: str, key: InboxKey) -> Seen:
        t = self._inbox
        # source "": a row recorded before the inbox knew sources (inbox_source migrations)
        query = select(t.c.digest).where(t.c.consumer == consumer,
                                         t.c.source.in_((key.source, "")),
                                         t.c.message_id == key.message_id)
        row = self.db.execute(query).first()
        if row is None:
            return Seen.NEW
        return Seen.DUPLICATE if row.digest in (key.digest, "") else Seen.CONFLICT

    def commit(
        self, consumer: str, key: InboxKey | None, outgoing: list[Outgoing]
    ) -> tuple[PublishedRecord, ...]:
        """Record the message as handled, store ``outgoing`` in the outbox, commit."""
        now = self._clock.now()
        if key is not None:
            self.db.execute(
                insert(self._inbox).values(consumer=consumer, source=key.source,
                                           message_id=key.message_id, digest=key.digest,
                                           handled_at=now)
            )
        ids = self._outbox.add(self.db, outgoing, now)
        assert self._transaction is not None
        self._transaction.commit()
        return tuple(
            PublishedRecord(i, o.exchange, o.routing_key, o.event.to_json())
            for i, o in zip(ids, outgoing, strict=True)
        )
