"""The runtime's promises, without a broker: once-only effects, reasons, retries."""

from __future__ import annotations

from contracts.envelope import CloudEvent
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import DeadLetter, Delivery, Done, Retry
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from tests.support.ledger import WORKER, Credit, count_credits, credit_rows, delivery, metadata


def make(settings: Settings) -> Processor:
    engine = create_service_engine("ledger", settings, metadata)
    return Processor(WORKER, engine, settings, SystemClock())


def test_a_redelivered_message_changes_nothing_twice(settings: Settings) -> None:
    processor = make(settings)
    message = delivery(Credit(account="A1", amount=5), event_id="evt-1")
    first, second = processor.process(message), processor.process(message)
    assert isinstance(first, Done) and len(first.to_publish) == 1
    assert isinstance(second, Done) and second.duplicate and not second.to_publish
    assert count_credits(processor) == 1


def test_effects_and_outbox_commit_together(settings: Settings) -> None:
    processor = make(settings)
    outcome = processor.process(delivery(Credit(account="A1", amount=5)))
    assert isinstance(outcome, Done)
    published = CloudEvent.model_validate_json(outcome.to_publish[0].body)
    assert published.type == "test.credited.v1"
    assert published.model_extra and published.model_extra["causationid"]


def test_a_malformed_body_is_dead_lettered_with_a_reason(settings: Settings) -> None:
    outcome = make(settings).process(Delivery(body=b"\xff\xfe not json", routing_key="x"))
    assert isinstance(outcome, DeadLetter) and "UTF-8" in outcome.reason


def test_a_wrong_field_is_named_in_the_reason(settings: Settings) -> None:
    event = CloudEvent(specversion="1.0", id="e1", source="t", type="test.credit.v1",
                       time="2026-01-01T00:00:00Z", data={"account": "A1", "amount": "lots"})
    outcome = make(settings).process(Delivery(body=event.to_json(), routing_key=event.type))
    assert isinstance(outcome, DeadLetter) and "data.amount" in outcome.reason


def test_a_rejected_message_is_not_retried(settings: Settings) -> None:
    outcome = make(settings).process(delivery(Credit(account="closed", amount=1)))
    assert isinstance(outcome, DeadLetter) and "account closed" in outcome.reason


def test_a_transient_failure_is_retried_then_dead_lettered(settings: Settings) -> None:
    processor = make(settings)
    early = processor.process(delivery(Credit(account="busy", amount=1), attempt=1))
    last = processor.process(delivery(Credit(account="busy", amount=1),
                                      attempt=settings.max_attempts))
    assert isinstance(early, Retry) and early.delay_ms == settings.retry_delays_ms[0]
    assert isinstance(last, DeadLetter) and "account locked" in last.reason
    assert count_credits(processor) == 0


def test_a_published_event_continues_the_incoming_trace(settings: Settings) -> None:
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    event = CloudEvent.wrap(Credit(account="T", amount=1), source="t")
    event = event.model_copy(update={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
    outcome = make(settings).process(Delivery(body=event.to_json(), routing_key=event.type))
    assert isinstance(outcome, Done)
    published = CloudEvent.model_validate_json(outcome.to_publish[0].body).model_extra or {}
    assert published["traceparent"].split("-")[1] == trace
    assert published["causationid"] == event.id


def _event_delivery(message: Credit, source: str, event_id: str) -> Delivery:
    event = CloudEvent.wrap(message, source=source, event_id=event_id)
    return Delivery(body=event.to_json(), routing_key=event.type)


def test_the_same_id_from_another_source_is_another_event(settings: Settings) -> None:
    processor = make(settings)
    first = processor.process(_event_delivery(Credit(account="A1", amount=5), "urn:a", "e-1"))
    other = processor.process(_event_delivery(Credit(account="A2", amount=7), "urn:b", "e-1"))
    assert isinstance(first, Done) and isinstance(other, Done) and not other.duplicate
    assert credit_rows(processor) == ["A1", "A2"]


def test_an_id_reused_by_one_source_for_other_content_is_refused_with_a_reason(
        settings: Settings) -> None:
    processor = make(settings)
    processor.process(_event_delivery(Credit(account="A1", amount=5), "urn:a", "e-1"))
    reused = processor.process(_event_delivery(Credit(account="A9", amount=900), "urn:a", "e-1"))
    assert isinstance(reused, DeadLetter)
    assert "already handled with different content" in reused.reason
    assert credit_rows(processor) == ["A1"]


def test_a_redelivery_with_the_same_content_stays_a_silent_duplicate(
        settings: Settings) -> None:
    processor = make(settings)
    message = _event_delivery(Credit(account="A1", amount=5), "urn:a", "e-1")
    processor.process(message)
    again = processor.process(message)
    assert isinstance(again, Done) and again.duplicate
    assert credit_rows(processor) == ["A1"]
