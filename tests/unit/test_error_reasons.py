"""A driver's exception text (with a customer's address in its parameters) never leaves the
process: not in the retry or dead-letter reason, the x-dsr-error header, nor a log line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import ClassVar

import pytest
import structlog
from sqlalchemy.exc import IntegrityError

from contracts.envelope import CloudEvent, Message
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine, service_metadata
from services.runtime.delivery import ERROR_HEADER, DeadLetter, Delivery, Retry
from services.runtime.deps import Deps
from services.runtime.logging import LogOutcome, configure_logging
from services.runtime.middleware import policy
from services.runtime.processor import Processor
from services.runtime.routing import Worker, on
from services.runtime.settings import Settings

ADDRESS = "Rue 308, Porte 45, Badalabougou"


class Rectify(Message):
    message_type: ClassVar[str] = "test.rectify.v1"
    address: str


def rectify(message: Rectify, deps: Deps) -> None:
    raise IntegrityError("UPDATE customers SET address=? WHERE code=?",
                         (message.address, "CM-100003"),
                         Exception("CHECK constraint failed: address_length"))


WORKER = Worker(name="rectifier", tables=service_metadata(), routes=(on(Rectify, rectify),))


def attempt(settings: Settings, number: int) -> Delivery:
    event = CloudEvent.wrap(Rectify(address=ADDRESS), source="test")
    return Delivery(body=event.to_json(), routing_key=event.type,
                    headers={"x-dsr-attempt": number})


def make(settings: Settings) -> Processor:
    engine = create_service_engine("rectifier", settings, WORKER.tables)
    return Processor(WORKER, engine, settings, SystemClock(),
                     middleware=[LogOutcome("x"), *policy(settings)])


@pytest.fixture
def processor(settings: Settings) -> Processor:
    return make(settings)


@pytest.fixture(autouse=True)
def _logging_put_back() -> Iterator[None]:
    yield
    structlog.reset_defaults()  # later tests must not write to this test's captured stream


def test_the_retry_reason_names_the_error_class_not_its_parameters(
        processor: Processor) -> None:
    outcome = processor.process(attempt(processor._settings, 1))
    assert isinstance(outcome, Retry)
    assert ADDRESS not in outcome.reason and "Porte" not in outcome.reason
    assert "IntegrityError" in outcome.reason and "test_error_reasons.py" in outcome.reason


def test_the_dead_letter_header_and_the_log_line_carry_no_address(
        settings: Settings, capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)  # JSON lines on stderr, read at the fd
    processor = make(settings)
    delivery = attempt(settings, settings.max_attempts)
    outcome = processor.process(delivery)
    assert isinstance(outcome, DeadLetter)
    header = delivery.dead_letter_headers(outcome.reason)[ERROR_HEADER]
    assert "Porte" not in header and "CM-100003" not in header
    logged = capfd.readouterr().err
    line = json.loads(next(ln for ln in logged.splitlines() if "dead_lettered" in ln))
    assert line["event"] == "message.dead_lettered"
    assert "Porte" not in logged and "Badalabougou" not in logged
