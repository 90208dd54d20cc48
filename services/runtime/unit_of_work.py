"""One transaction per message: the inbox entry, the state change and the outbox together."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, MetaData, RootTransaction, insert, select

from services.runtime.clock import Clock
from services.runtime.delivery import PublishedRecord
from services.runtime.deps import Outgoing
from services.runtime.outbox import Outbox


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

    def already_handled(self, consumer: str, message_id: str) -> bool:
        t = self._inbox
        query = select(t.c.message_id).where(t.c.consumer == consumer, t.c.message_id == message_id)
        return self.db.execute(query).first() is not None

    def commit(
        self, consumer: str, message_id: str | None, outgoing: list[Outgoing]
    ) -> tuple[PublishedRecord, ...]:
        """Record the message as handled, store ``outgoing`` in the outbox, commit."""
        now = self._clock.now()
        if message_id is not None:
            self.db.execute(
                insert(self._inbox).values(consumer=consumer, message_id=message_id,
                                           handled_at=now)
            )
        ids = self._outbox.add(self.db, outgoing, now)
        assert self._transaction is not None
        self._transaction.commit()
        return tuple(
            PublishedRecord(i, o.exchange, o.routing_key, o.event.to_json())
            for i, o in zip(ids, outgoing, strict=True)
        )
