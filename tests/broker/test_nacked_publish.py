"""A publish the broker refuses is not lost: the worker replaces its confirming channel and
the outbox relay publishes the row again once the queue takes it.

A queue that rejects publishes when full (``x-overflow: reject-publish``) makes RabbitMQ nack
deterministically, as it does after a quorum queue's leader left with its node."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pika
import pytest
from pika.adapters.blocking_connection import BlockingChannel as Channel
from sqlalchemy import func, select

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent
from services.runtime.amqp.runner import AmqpRunner
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.processor import Processor
from tests.conftest import embedded_settings
from tests.support.ledger import WORKER, Credit, credit_rows, metadata

pytestmark = pytest.mark.broker

FULL_QUEUE = "test.credited.full"


@pytest.fixture
def ledger(amqp_url: str, tmp_path: Path) -> Iterator[tuple[Processor, AmqpRunner]]:
    """The ledger worker on RabbitMQ, its outbox swept every half second."""
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, outbox_sweep_s=0.5)
    processor = Processor(WORKER, create_service_engine("ledger", settings, metadata), settings,
                          SystemClock())
    runner = AmqpRunner(settings, [processor])
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    try:
        assert runner.connected.wait(30), "the ledger worker did not connect"
        yield processor, runner
    finally:
        runner.stop()
        thread.join(30)


@pytest.fixture
def full_queue(amqp_url: str, ledger: tuple[Processor, AmqpRunner]) -> Iterator[Channel]:
    """A queue of one message, already full, that every ``test.credited.v1`` reaches."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.queue_delete(FULL_QUEUE)
    channel.queue_declare(FULL_QUEUE, durable=True, arguments={
        "x-max-length": 1, "x-overflow": "reject-publish"})
    channel.queue_bind(FULL_QUEUE, EVENTS_EXCHANGE, "test.credited.v1")
    channel.confirm_delivery()
    channel.basic_publish("", FULL_QUEUE, b"filler", pika.BasicProperties(delivery_mode=2))
    try:
        yield channel
    finally:
        channel.queue_delete(FULL_QUEUE)
        connection.close()


def test_a_nacked_publish_is_published_again_once_the_queue_takes_it(
        amqp_url: str, ledger: tuple[Processor, AmqpRunner], full_queue: Channel) -> None:
    processor, runner = ledger
    _credit(amqp_url, "refused-1")
    _wait(lambda: credit_rows(processor) == ["refused-1"])
    time.sleep(2)  # nacked, and published again by the sweep: nacked again while full
    assert _outbox_rows(processor) == 1, "a refused publish stays in the outbox"

    assert _take(full_queue) == b"filler"
    _wait(lambda: _outbox_rows(processor) == 0, timeout_s=30)
    taken = _take(full_queue)
    assert taken is not None and b"refused-1" in taken

    _credit(amqp_url, "after-1")  # the worker kept its connection and consumes on
    _wait(lambda: "after-1" in credit_rows(processor))
    assert runner.connected.is_set()


def _take(channel: Channel) -> bytes | None:
    _method, _props, body = channel.basic_get(FULL_QUEUE, auto_ack=True)
    # types-pika declares basic_get's body as str; pika delivers the message's bytes.
    return body  # type: ignore[return-value]


def _outbox_rows(processor: Processor) -> int:
    table = processor.worker.tables.tables["outbox"]
    with processor.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _credit(amqp_url: str, account: str) -> None:
    event = CloudEvent.wrap(Credit(account=account, amount=1), source="test",
                            event_id=str(uuid.uuid4()))
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(EVENTS_EXCHANGE, event.type, event.to_json(),
                          pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=2))
    connection.close()


def _wait(condition: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
