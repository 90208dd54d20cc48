"""The one place where real adapters are built: engines, processors, buses.

Tests call ``bootstrap`` with their own settings and a fake clock; entrypoints call it once;
short-lived tools (the CLI's reports, the seeders, the benches) open ``services_of`` a few.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dramatiq
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import Engine

from services.delivery import channels
from services.delivery.actors import Gateways, TaskWorker, declare
from services.delivery.ports import MailGateway, SmsGateway
from services.delivery.print_room import PrintRoomFolder
from services.delivery.repository import Ledger
from services.delivery.shared_pace import SharedPace
from services.delivery.smpp import ReceiptListener, SmppGateway
from services.delivery.smtp import SmtpGateway
from services.delivery.throttle import Pace
from services.notification.gateways import check_recipients
from services.runtime.amqp.runner import AmqpRunner
from services.runtime.amqp.task_broker import QuorumRabbitmqBroker
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


# What a worker's settings must hold before it starts (a mistake stops it, with the setting).
STARTUP_CHECKS: dict[str, Callable[[Settings], None]] = {
    "notification": check_recipients,
}


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
    for check in (STARTUP_CHECKS[name] for name in names if name in STARTUP_CHECKS):
        check(settings)
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


def task_broker(settings: Settings) -> dramatiq.Broker:
    """dramatiq's RabbitmqBroker on DSR_AMQP_URL (publisher confirms; quorum queues), else a
    StubBroker for
    the embedded bus (the demo and the end-to-end tier)."""
    if settings.broker_url:  # the cluster's nodes in turn, as the workers (DSR_AMQP_NODES)
        return QuorumRabbitmqBroker(url=settings.broker_urls, confirm_delivery=True)
    return StubBroker()


def delivery_worker(app: App, broker: dramatiq.Broker, sms: SmsGateway | None = None,
                    mail: MailGateway | None = None) -> TaskWorker:
    """The delivery actors on ``broker``, wired to the SMSC and SMTP relay the settings name
    (or the gateways a test hands in) and to the print-room folder."""
    settings = app.settings
    ledger = Ledger(app.engine("delivery"), settings, app.clock)
    if sms is None and settings.smsc_host:
        sms = SmppGateway(settings)
    if mail is None and settings.smtp_host:
        mail = SmtpGateway(settings)
    room = PrintRoomFolder(settings.print_room)
    sms_pace, mail_pace = _paces(app.engine("delivery"), settings)
    gateways = Gateways(
        ledger,
        channels.SmsPorts(sms, sms_pace) if sms else None,
        channels.MailPorts(mail, mail_pace, settings.smtp_sender,
                           settings.data_dir) if mail else None,
        lambda task: channels.send_letter(task, ledger, room, settings.data_dir))
    listener = None
    if settings.smsc_host and settings.smsc_receipts:
        listener = ReceiptListener(settings, ledger.receipt)
    closers = (sms.close,) if isinstance(sms, SmppGateway) else ()
    return TaskWorker(broker, declare(broker, gateways, settings), settings.delivery_threads,
                      listener, closers)


def _paces(engine: Engine, settings: Settings) -> tuple[Pace | SharedPace, Pace | SharedPace]:
    """The SMSC's and the relay's contracted rates: shared by every delivery replica through
    PostgreSQL; held in memory by the one process SQLite allows."""
    if engine.dialect.name == "postgresql":
        return (SharedPace.per_second(engine, "smsc", settings.smsc_tps),
                SharedPace.per_minute(engine, "smtp", settings.smtp_per_minute))
    return Pace.per_second(settings.smsc_tps), Pace.per_minute(settings.smtp_per_minute)


def delivery_ledger(app: App) -> Ledger:
    """The delivery records, for the tools (``dsr post confirm``)."""
    return Ledger(app.engine("delivery"), app.settings, app.clock)
def staff_engine(settings: Settings, prefix: str = "") -> Engine:
    """The console's own database: its staff users."""
    from services.console.tables import metadata as console_tables

    return create_service_engine(prefix + "console", settings, console_tables)


#: The services whose query modules the console reads (the last two: the call list and the
#: delivery ledger, whose desks it also writes).
CONSOLE_READS = ("intake", "identity", "fulfilment", "audit", "notification", "delivery")


def console(settings: Settings, clock: Clock | None = None, app: App | None = None,
            bus: EmbeddedBus | None = None, prefix: str = "") -> tuple[ConsoleDeps, App]:
    """The console's dependencies and the app whose engines it reads.

    Its own staff database; the query engines of ``CONSOLE_READS``; actions to RabbitMQ when
    ``DSR_AMQP_URL`` is set, else to every worker in-process (``bus``, or a new embedded bus
    over ``app``) with the delivery actors on a stub broker, as ``dsr demo`` runs them.
    """
    from services.cli.clients import KombuClient
    from services.console.desks import StaffDesks
    from services.console.ports import EmbeddedDeadLetters, EmbeddedPublisher
    from services.console.reads import Reads
    from services.console.web import ConsoleDeps
    from services.operations.dead_letters import DeadLetterQueues

    clock = clock or (app.clock if app else SystemClock())
    staff = staff_engine(settings, prefix)
    publisher: Publisher
    dead_letters: DeadLetters
    if settings.amqp_url:
        app = app or bootstrap(settings, clock, CONSOLE_READS, configure_logs=False)
        publisher = KombuClient.from_settings(settings)
        dead_letters = DeadLetterQueues.from_settings(settings)
        desks = StaffDesks(app.engine("notification"), delivery_ledger(app))
    else:
        app = app or bootstrap(settings, clock, configure_logs=False)
        tasks = delivery_worker(app, StubBroker())
        tasks.start()
        embedded = EmbeddedPublisher(bus or app.embedded_bus(), tasks)
        publisher, dead_letters = embedded, EmbeddedDeadLetters(embedded)
        desks = StaffDesks(app.engine("notification"), delivery_ledger(app), embedded.relay)
    reads = Reads({name: app.engine(name) for name in CONSOLE_READS})
    return ConsoleDeps(settings, clock, staff, reads, publisher, dead_letters, desks), app
