"""One saga harness interface, two buses: the in-process bus and a real RabbitMQ.

End-to-end scenarios are written once against ``Harness`` and run on both (FastStream's
"one test case, two brokers").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import pika
from sqlalchemy import select

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent
from services.bootstrap import App, bootstrap
from services.intake.tables import rejected_intakes, requests
from services.runtime.amqp import topology
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.settings import Settings
from services.workers import ALL


class Harness(Protocol):
    app: App

    def publish_raw(self, body: bytes, routing_key: str) -> None: ...

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None: ...


def submit(harness: Harness, event: CloudEvent) -> None:
    harness.publish_raw(event.to_json(), event.type)


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

    def publish_raw(self, body: bytes, routing_key: str) -> None:
        self.bus.broker.publish(EVENTS_EXCHANGE, routing_key, body)

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None:
        self.bus.run_until_idle()
        assert condition(self.app), "the embedded bus is idle and the condition does not hold"


class RabbitHarness:
    def __init__(self, app: App, url: str) -> None:
        self.app = app
        self._url = url

    def publish_raw(self, body: bytes, routing_key: str) -> None:
        connection = pika.BlockingConnection(pika.URLParameters(self._url))
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(EVENTS_EXCHANGE, routing_key, body, pika.BasicProperties(
                content_type=CONTENT_TYPE, delivery_mode=2))
        finally:
            connection.close()

    def wait_until(self, condition: Callable[[App], bool], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition(self.app):
            if time.monotonic() > deadline:
                states = {r["reference"]: r["state"] for r in request_rows(self.app)}
                raise AssertionError(f"condition not met after {timeout_s}s; states: {states}")
            time.sleep(0.05)


def reset_broker(url: str, settings: Settings, app: App) -> None:
    """Delete this project's queues so that no earlier run's messages leak in."""
    plan = topology.plan([p.worker for p in app.processors.values()], settings)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for queue in plan.queues:
            channel.queue_delete(queue.name)
    finally:
        connection.close()


@contextmanager
def rabbit_harness(settings: Settings, names: tuple[str, ...] = ALL
                   ) -> Iterator[RabbitHarness]:
    assert settings.amqp_url
    app = bootstrap(settings, names=names)
    reset_broker(settings.amqp_url, settings, app)
    runner = app.amqp_runner()
    thread = threading.Thread(target=runner.run, name="workers", daemon=True)
    thread.start()
    try:
        if not runner.connected.wait(30):
            raise AssertionError("workers did not connect to RabbitMQ within 30 s")
        yield RabbitHarness(app, settings.amqp_url)
    finally:
        runner.stop()
        thread.join(30)
        app.dispose()


@contextmanager
def embedded_harness(settings: Settings) -> Iterator[EmbeddedHarness]:
    app = bootstrap(settings)
    try:
        yield EmbeddedHarness(app)
    finally:
        app.dispose()
