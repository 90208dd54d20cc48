"""The one settle rule both buses carry out, run on the embedded bus over the real topology."""

from __future__ import annotations

from contracts.envelope import EVENTS_EXCHANGE, CloudEvent
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import ERROR_HEADER, DeadLetter, Retry
from services.runtime.memory_bus import EmbeddedBus, InMemoryBroker
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.settlement import settle
from tests.support.ledger import WORKER, Credit, count_credits, credit_rows, delivery, metadata


def embedded(settings: Settings) -> tuple[EmbeddedBus, Processor]:
    processor = Processor(WORKER, create_service_engine("ledger", settings, metadata), settings,
                          SystemClock())
    return EmbeddedBus(InMemoryBroker(), [processor], settings), processor


def publish(bus: EmbeddedBus, message: Credit) -> None:
    event = CloudEvent.wrap(message, source="test")
    bus.broker.publish(EVENTS_EXCHANGE, event.type, event.to_json())


def test_a_retry_copy_goes_to_the_delay_queue_of_its_tier() -> None:
    original = delivery(Credit(account="busy", amount=1), attempt=2)
    settlement = settle(Retry(2000, "account locked"), original, WORKER)
    assert settlement.copy is not None and not settlement.committed
    assert (settlement.copy.exchange, settlement.copy.routing_key) == \
        ("dsr.runtime", "ledger.retry.2000")
    assert settlement.copy.headers and settlement.copy.headers["x-dsr-attempt"] == 3


def test_a_dead_letter_copy_keeps_the_reason_and_its_origin() -> None:
    original = delivery(Credit(account="closed", amount=1))
    copy = settle(DeadLetter("rejected by handler: account closed"), original, WORKER).copy
    assert copy is not None and copy.routing_key == "ledger.dead-letter"
    assert copy.headers and copy.headers[ERROR_HEADER] == "rejected by handler: account closed"
    assert copy.headers["x-dsr-routing-key"] == "test.credit.v1"


def test_the_embedded_bus_retries_through_the_delay_queues_until_it_succeeds(
        settings: Settings) -> None:
    bus, processor = embedded(settings)
    publish(bus, Credit(account="flaky-1", amount=5))
    bus.run_until_idle()
    assert credit_rows(processor) == ["flaky-1"]
    assert bus.broker.depth(WORKER.dead_letter_queue) == 0


def test_the_embedded_bus_dead_letters_a_rejected_message_with_its_reason(
        settings: Settings) -> None:
    bus, processor = embedded(settings)
    publish(bus, Credit(account="closed", amount=5))
    bus.run_until_idle()
    (dead,) = bus.broker.messages(WORKER.dead_letter_queue)
    assert dead.headers[ERROR_HEADER] == "rejected by handler: account closed"
    assert count_credits(processor) == 0
