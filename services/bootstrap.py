"""The one place where real adapters are built: engines, processors, buses.

Tests call ``bootstrap`` with their own settings and a fake clock; entrypoints call it once;
short-lived tools (the CLI's reports, the seeders, the benches) open ``services_of`` a few.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
from services.runtime.settings import Settings
from services.workers import ALL, worker

if TYPE_CHECKING:
    from services.console.ports import DeadLetters, Publisher
    from services.console.web import ConsoleDeps


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
) -> App:
    """The processors of ``names``, each on its own database ``prefix + name`` (a SQLite
    file, or a PostgreSQL schema)."""
    settings = settings or Settings()
    clock = clock or SystemClock()
    if configure_logs:
        configure_logging(settings.log_level, settings.log_json)
    processors = {}
    time_limit = TimeLimit(settings.handler_time_limit_s)
    for name in names:
        spec = worker(name)
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


def staff_engine(settings: Settings, prefix: str = "") -> Engine:
    """The console's own database: its staff users."""
    from services.console.tables import metadata as console_tables

    return create_service_engine(prefix + "console", settings, console_tables)


#: The services whose query modules the console reads.
CONSOLE_READS = ("intake", "identity", "fulfilment", "audit")


def console(settings: Settings, clock: Clock | None = None, app: App | None = None,
            bus: EmbeddedBus | None = None, prefix: str = "") -> tuple[ConsoleDeps, App]:
    """The console's dependencies and the app whose engines it reads.

    Its own staff database; the query engines of ``CONSOLE_READS``; actions to RabbitMQ when
    ``DSR_AMQP_URL`` is set, else to every worker in-process (``bus``, or a new embedded bus
    over ``app``), as ``dsr demo`` runs them.
    """
    from services.cli.clients import KombuClient
    from services.cli.dead_letters import DeadLetterQueues
    from services.console.ports import EmbeddedDeadLetters, EmbeddedPublisher
    from services.console.reads import Reads
    from services.console.web import ConsoleDeps

    clock = clock or (app.clock if app else SystemClock())
    staff = staff_engine(settings, prefix)
    publisher: Publisher
    dead_letters: DeadLetters
    if settings.amqp_url:
        app = app or bootstrap(settings, clock, CONSOLE_READS, configure_logs=False)
        publisher = KombuClient.from_settings(settings)
        dead_letters = DeadLetterQueues.from_settings(settings)
    else:
        app = app or bootstrap(settings, clock, configure_logs=False)
        embedded = EmbeddedPublisher(bus or app.embedded_bus())
        publisher, dead_letters = embedded, EmbeddedDeadLetters(embedded)
    reads = Reads({name: app.engine(name) for name in CONSOLE_READS})
    return ConsoleDeps(settings, clock, staff, reads, publisher, dead_letters), app
