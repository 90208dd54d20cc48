"""The runtime's promises on a real RabbitMQ: once-only effects, retries, dead letters."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pika
import pytest

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent
from services.runtime.amqp import topology
from services.runtime.amqp.runner import AmqpRunner
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from tests.conftest import embedded_settings
from tests.support.ledger import WORKER, Credit, credit_rows, metadata

pytestmark = pytest.mark.broker


@pytest.fixture
def ledger(amqp_url: str, tmp_path: Path) -> Iterator[tuple[Processor, pika.BlockingConnection]]:
    yield from _ledger(amqp_url, tmp_path, max_attempts=3)


def _ledger(amqp_url: str, tmp_path: Path, max_attempts: int
            ) -> Iterator[tuple[Processor, pika.BlockingConnection]]:
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, max_attempts=max_attempts)
    processor = Processor(WORKER, create_service_engine("ledger", settings, metadata), settings,
                          SystemClock())
    _reset(amqp_url, settings)
    runner = AmqpRunner(settings, [processor])
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    assert runner.connected.wait(30), "the ledger worker did not connect"
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        yield processor, connection
    finally:
        connection.close()
        runner.stop()
        thread.join(30)


def _reset(url: str, settings: Settings) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for queue in topology.plan([WORKER], settings).queues:
        channel.queue_delete(queue.name)
    connection.close()


def _publish(connection: pika.BlockingConnection, body: bytes, routing_key: str) -> None:
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish(EVENTS_EXCHANGE, routing_key, body,
                          pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=2))
    channel.close()


def _credit(connection: pika.BlockingConnection, account: str,
            event_id: str | None = None) -> None:
    event = CloudEvent.wrap(Credit(account=account, amount=1), source="test",
                            event_id=event_id or str(uuid.uuid4()))
    _publish(connection, event.to_json(), event.type)


def _wait(condition: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _dead_letters(connection: pika.BlockingConnection) -> list[tuple[bytes, dict[str, object]]]:
    channel = connection.channel()
    found: list[tuple[bytes, dict[str, object]]] = []
    while True:
        method, props, body = channel.basic_get(WORKER.dead_letter_queue, auto_ack=True)
        if method is None or props is None or body is None:
            channel.close()
            return found
        # types-pika declares basic_get's body as str; pika delivers the message's bytes.
        found.append((body, dict(props.headers or {})))  # type: ignore[arg-type]


def test_duplicate_deliveries_are_counted_once(ledger: tuple[Processor, pika.BlockingConnection]
                                               ) -> None:
    processor, connection = ledger
    for _ in range(3):
        _credit(connection, "A-dup", event_id="same-event")
    _credit(connection, "A-after")
    _wait(lambda: "A-after" in credit_rows(processor))
    assert credit_rows(processor).count("A-dup") == 1


def test_a_flaky_handler_succeeds_through_the_delay_queues(
        ledger: tuple[Processor, pika.BlockingConnection]) -> None:
    processor, connection = ledger
    _credit(connection, "flaky-1")
    _wait(lambda: "flaky-1" in credit_rows(processor))
    assert credit_rows(processor) == ["flaky-1"]
    assert _dead_letters(connection) == []


def test_poison_messages_land_in_the_dead_letter_queue_with_the_reason_and_the_rest_flow(
        ledger: tuple[Processor, pika.BlockingConnection]) -> None:
    processor, connection = ledger
    _credit(connection, "busy")
    _credit(connection, "closed")
    _publish(connection, b"{not json", "test.credit.v1")
    for n in range(20):
        _credit(connection, f"ok-{n}")
    _wait(lambda: len(credit_rows(processor)) == 20)
    letters: list[tuple[bytes, dict[str, object]]] = []
    _wait(lambda: len(letters.__iadd__(_dead_letters(connection))) >= 3)
    reasons = sorted(str(headers["x-dsr-error"]) for _body, headers in letters)
    assert any("failed 3 times" in r and "account locked" in r for r in reasons)
    assert any("account closed" in r for r in reasons)
    assert any("not JSON" in r for r in reasons)
    assert all(headers["x-dsr-routing-key"] == "test.credit.v1" for _b, headers in letters)


@pytest.fixture
def impatient_ledger(amqp_url: str, tmp_path: Path
                     ) -> Iterator[tuple[Processor, pika.BlockingConnection]]:
    yield from _ledger(amqp_url, tmp_path, max_attempts=1)


def test_an_operator_sees_why_and_redrives_dead_letters(
        impatient_ledger: tuple[Processor, pika.BlockingConnection], amqp_url: str) -> None:
    from services.operations.dead_letters import DeadLetterQueues

    processor, connection = impatient_ledger
    queues = DeadLetterQueues(amqp_url)
    _credit(connection, "flaky-redrive", event_id="evt-flaky")
    _wait(lambda: queues.depths([WORKER])["ledger"] == 1)
    browsed = queues.browse(WORKER)
    assert [(d.event_id, d.event_type) for d in browsed] == [("evt-flaky", "test.credit.v1")]
    assert "not yet" in browsed[0].reason
    assert queues.depths([WORKER])["ledger"] == 1, "browsing must not remove messages"
    for _ in range(2):  # the handler fails twice, then succeeds
        _wait(lambda: queues.depths([WORKER])["ledger"] == 1)
        assert queues.redrive(WORKER, {"evt-flaky"}) == 1
    _wait(lambda: credit_rows(processor) == ["flaky-redrive"])
    assert queues.depths([WORKER])["ledger"] == 0
