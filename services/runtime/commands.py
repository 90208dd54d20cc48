"""A change staff make outside any message (the mail room's confirmation, a call made): its
own transaction, with what it publishes written to the service's outbox in that transaction;
the service's relay publishes it (``dsr run --worker <service>``, or the embedded bus)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData

from services.runtime.clock import Clock
from services.runtime.deps import Deps
from services.runtime.settings import Settings
from services.runtime.unit_of_work import UnitOfWork


@contextmanager
def transaction(engine: Engine, metadata: MetaData, clock: Clock, settings: Settings,
                service: str) -> Iterator[Deps]:
    """``deps`` for a handler-like function; committed with its outbox, else rolled back."""
    with UnitOfWork(engine, metadata, clock) as uow:
        deps = Deps(uow.db, clock, settings, service)
        yield deps
        uow.commit(deps.outbox)
