"""The one place where real adapters are built: engines, processors, buses.

Tests call ``bootstrap`` with their own settings and a fake clock; entrypoints call it once;
short-lived tools (the CLI's reports, the seeders, the benches) open ``services_of`` a few.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine

from services.runtime.amqp.runner import AmqpRunner
from services.runtime.clock import Clock, SystemClock
from services.runtime.database import create_service_engine
from services.runtime.logging import LogOutcome, configure_logging
from services.runtime.memory_bus import EmbeddedBus, InMemoryBroker
from services.runtime.metrics import CountOutcome
from services.runtime.middleware import policy
from services.runtime.middleware.context import MessageContext
from services.runtime.middleware.time_limit import TimeLimit
from services.runtime.processor import Middleware, Processor
from services.runtime.routing import Worker
from services.runtime.settings import Settings
from services.workers import ALL, worker


@dataclass
class App:
    settings: Settings
    clock: Clock
    processors: dict[str, Processor]

    def engine(self, name: str) -> Engine:
        return self.processors[name].engine

    def embedded_bus(self) -> EmbeddedBus:
        return EmbeddedBus(InMemoryBroker(), self.processors.values(), self.settings)

    def amqp_runner(self) -> AmqpRunner:
        return AmqpRunner(self.settings, list(self.processors.values()))

    def dispose(self) -> None:
        for processor in self.processors.values():
            processor.engine.dispose()


def bootstrap(
    settings: Settings | None = None,
    clock: Clock | None = None,
    names: Sequence[str] = ALL,
    configure_logs: bool = True,
    prefix: str = "",
    workers: Sequence[Worker] = (),
) -> App:
    """The processors of ``names``, each on its own database ``prefix + name`` (a SQLite
    file, or a PostgreSQL schema). ``workers``: others not in the registry, built the same
    way (a bench's own)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    if configure_logs:
        configure_logging(settings.log_level, settings.log_json)
    processors = {}
    time_limit = TimeLimit(settings.handler_time_limit_s)
    for spec in [*(worker(name) for name in names), *workers]:
        name = spec.name
        engine = create_service_engine(prefix + name, settings, spec.tables)
        middleware: list[Middleware] = [MessageContext(), LogOutcome(name), CountOutcome(name),
                                         *policy(settings, time_limit)]
        processors[name] = Processor(spec, engine, settings, clock, middleware=middleware)
    return App(settings, clock, processors)


@contextmanager
def services_of(settings: Settings, *names: str, clock: Clock | None = None,
                prefix: str = "") -> Iterator[App]:
    """An app of just ``names`` for a tool that reads or fills their databases, then lets
    go of them; the tool has configured the logs already."""
    app = bootstrap(settings, clock, names, configure_logs=False, prefix=prefix)
    try:
        yield app
    finally:
        app.dispose()
