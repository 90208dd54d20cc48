"""One saga harness interface, two buses: the in-process bus and a real RabbitMQ.

End-to-end scenarios are written once against ``Harness`` and run on both (FastStream's
"one test case, two brokers").
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pika
from sqlalchemy import select

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent, Message
from services.bootstrap import App, bootstrap
from services.cli.clients import BusClient, EmbeddedClient, KombuClient
from services.intake.tables import rejected_intakes, requests
from services.runtime.amqp import topology
from services.runtime.clock import Clock, RunningClock
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.settings import Settings
from services.workers import ALL
from tests.support import isolation
from tests.support.intakes import RUN_STARTS

# App is re-exported: scenarios type their `wait_until` conditions with it.
__all__ = [
    "App", "EmbeddedHarness", "Harness", "Observer", "RabbitHarness", "embedded_harness",
    "final_count", "pinned_clock", "publish", "rabbit_harness", "rejections", "request_rows",
    "reset_broker", "states", "submit",
]


class Harness(Protocol):
    app: App

    def publish_raw(self, body: bytes, routing_key: str,
                    content_type: str | None = CONTENT_TYPE) -> None: ...

    def observe(self, binding: str, exchange: str = EVENTS_EXCHANGE) -> Observer: ...

    def dead_lettered(self, worker: str) -> int:
        """How many messages wait in the worker's dead-letter queue."""
        ...

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None: ...

    def client(self) -> BusClient:
        """What the call centre's tools use: submit, status query."""
        ...


class Observer(Protocol):
    def events(self) -> list[CloudEvent]: ...


def submit(harness: Harness, event: CloudEvent) -> None:
    harness.publish_raw(event.to_json(), event.type)


def publish(harness: Harness, message: Message, subject: str | None = None) -> CloudEvent:
    event = CloudEvent.wrap(message, source="urn:test", subject=subject)
    submit(harness, event)
    return event


def request_rows(app: App) -> list[dict[str, Any]]:
    with app.engine("intake").connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(requests))]


def rejections(app: App) -> list[dict[str, Any]]:
    with app.engine("intake").connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(rejected_intakes))]


def final_count(app: App) -> int:
    return sum(row["state"] in {"completed", "closed"} for row in request_rows(app))


def states(app: App) -> dict[str, str]:
    """channel reference -> state"""
    return {row["channel_reference"]: row["state"] for row in request_rows(app)}


class EmbeddedHarness:
    def __init__(self, app: App) -> None:
        self.app = app
        self.bus: EmbeddedBus = app.embedded_bus()

    def publish_raw(self, body: bytes, routing_key: str,
                    content_type: str | None = CONTENT_TYPE) -> None:
        self.bus.broker.publish(EVENTS_EXCHANGE, routing_key, body, content_type=content_type)

    def observe(self, binding: str, exchange: str = EVENTS_EXCHANGE) -> Observer:
        queue = f"test.observer.{uuid.uuid4()}"
        self.bus.broker.declare_queue(queue)
        self.bus.broker.bind(queue, exchange, binding)
        return _EmbeddedObserver(self.bus, queue)

    def dead_lettered(self, worker: str) -> int:
        return self.bus.broker.depth(f"dsr.{worker}.dlq")

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None:
        self.bus.run_until_idle()
        assert condition(self.app), "the embedded bus is idle and the condition does not hold"

    def client(self) -> BusClient:
        return EmbeddedClient(self.bus, self.app.engine("intake"), self.app.clock)


class _EmbeddedObserver:
    def __init__(self, bus: EmbeddedBus, queue: str) -> None:
        self._bus, self._queue, self._seen = bus, queue, list[CloudEvent]()

    def events(self) -> list[CloudEvent]:
        while (delivery := self._bus.broker.take(self._queue)) is not None:
            self._seen.append(CloudEvent.model_validate_json(delivery.body))
        return list(self._seen)


class RabbitHarness:
    def __init__(self, app: App, url: str) -> None:
        self.app = app
        self._url = url
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None

    def publish_raw(self, body: bytes, routing_key: str,
                    content_type: str | None = CONTENT_TYPE) -> None:
        if self._channel is None:
            self._connection = pika.BlockingConnection(pika.URLParameters(self._url))
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
        self._channel.basic_publish(EVENTS_EXCHANGE, routing_key, body, pika.BasicProperties(
            content_type=content_type, delivery_mode=2))

    def observe(self, binding: str, exchange: str = EVENTS_EXCHANGE) -> Observer:
        return _RabbitObserver(self._url, binding, exchange)

    def dead_lettered(self, worker: str) -> int:
        connection = pika.BlockingConnection(pika.URLParameters(self._url))
        try:
            declared = connection.channel().queue_declare(f"dsr.{worker}.dlq", passive=True)
            return declared.method.message_count or 0
        finally:
            connection.close()

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition(self.app):
            if time.monotonic() > deadline:
                states = {r["reference"]: r["state"] for r in request_rows(self.app)}
                raise AssertionError(f"condition not met after {timeout_s}s; states: {states}")
            time.sleep(0.05)

    def client(self) -> BusClient:
        return KombuClient(self._url, timeout_s=10, clock=self.app.clock)

    def close(self) -> None:
        """Close the publishing connection (a later publish opens another)."""
        if self._connection is not None and self._connection.is_open:
            self._connection.close()
        self._connection, self._channel = None, None


class _RabbitObserver:
    def __init__(self, url: str, binding: str, exchange: str) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()
        queue = self._channel.queue_declare("", exclusive=True).method.queue
        assert queue is not None, "the broker names the exclusive queue it declares"
        self._queue = queue
        self._channel.queue_bind(self._queue, exchange, binding)
        self._seen: list[CloudEvent] = []

    def events(self) -> list[CloudEvent]:
        while True:
            method, _props, body = self._channel.basic_get(self._queue, auto_ack=True)
            if method is None or body is None:
                return list(self._seen)
            self._seen.append(CloudEvent.model_validate_json(body))


def pinned_clock() -> Clock:
    """The clock of every end-to-end run: it reads ``RUN_STARTS`` at the start, then runs."""
    return RunningClock(RUN_STARTS)


_SWEPT: set[str] = set()


def reset_broker(url: str, settings: Settings, app: App) -> None:
    """Delete this project's queues so that no earlier run's messages leak in: the plan's,
    and, the first time in this process, any other ``dsr.*`` or ``delivery.*`` (dramatiq's)
    queue of the virtual host (an
    earlier run's delay tiers, or queues an earlier version declared with other arguments)."""
    plan = topology.plan([p.worker for p in app.processors.values()], settings)
    names = {q.name for q in plan.queues}
    if url not in _SWEPT:
        names |= {name for name in isolation.queue_names(url)
                  if name.startswith(("dsr.", "delivery."))}
        _SWEPT.add(url)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for name in sorted(names):
            channel.queue_delete(name)
    finally:
        connection.close()


@contextmanager
def rabbit_harness(settings: Settings, names: tuple[str, ...] = ALL,
                   clock: Clock | None = None) -> Iterator[RabbitHarness]:
    assert settings.amqp_url
    app = bootstrap(settings, clock=clock or pinned_clock(), names=names)
    reset_broker(settings.amqp_url, settings, app)
    runner = app.amqp_runner()
    thread = threading.Thread(target=runner.run, name="workers", daemon=True)
    thread.start()
    try:
        if not runner.connected.wait(30):
            raise AssertionError("workers did not connect to RabbitMQ within 30 s")
        harness = RabbitHarness(app, settings.amqp_url)
        yield harness
        harness.close()
    finally:
        runner.stop()
        thread.join(30)
        app.dispose()


@contextmanager
def embedded_harness(settings: Settings, names: tuple[str, ...] = ALL,
                     clock: Clock | None = None) -> Iterator[EmbeddedHarness]:
    app = bootstrap(settings, clock=clock or pinned_clock(), names=names)
    try:
        yield EmbeddedHarness(app)
    finally:
        app.dispose()
