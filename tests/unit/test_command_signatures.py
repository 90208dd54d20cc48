"""A message that can erase a customer's data must not be forgeable (issue 7)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from contracts.backoffice import StoreAction, StoreCommand
from contracts.envelope import CloudEvent
from contracts.vocabulary import Store
from services.runtime.clock import FakeClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import DeadLetter, Delivery, Done
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.signing import SIGNATURE_ATTRIBUTE, sign
from simulators.cdr.routes import WORKER
from tests.support.intakes import RECEIVED

ERASE = StoreCommand(command_id="DSR-2026-000001:erase:cdr", reference="DSR-2026-000001",
                     store=Store.CDR, action=StoreAction.ERASE, customer_code="CM-100001")


@pytest.fixture
def cdr(tmp_path: Path) -> tuple[Processor, Settings]:
    settings = Settings(data_dir=tmp_path, signing_key="deployment-key")
    engine = create_service_engine("cdr", settings, WORKER.tables)
    return Processor(WORKER, engine, settings, FakeClock(RECEIVED)), settings


def deliver(processor: Processor, event: CloudEvent) -> object:
    return processor.process(Delivery(body=event.to_json(), routing_key=event.type))


def command(time: datetime = RECEIVED) -> CloudEvent:
    return CloudEvent.wrap(ERASE, source="urn:dsr/fulfilment", subject=ERASE.reference,
                           time=time)


def test_a_command_signed_with_the_deployment_key_is_carried_out(
        cdr: tuple[Processor, Settings]) -> None:
    processor, settings = cdr
    assert isinstance(deliver(processor, sign(command(), settings.command_key)), Done)


def test_an_unsigned_command_is_dead_lettered(cdr: tuple[Processor, Settings]) -> None:
    outcome = deliver(cdr[0], command())
    assert isinstance(outcome, DeadLetter) and "unsigned" in outcome.reason


def test_an_altered_command_is_dead_lettered(cdr: tuple[Processor, Settings]) -> None:
    processor, settings = cdr
    signed = sign(command(), settings.command_key)
    altered = signed.model_copy(update={"data": {**signed.data, "customer_code": "CM-100002"}})
    outcome = deliver(processor, altered)
    assert isinstance(outcome, DeadLetter) and "altered or forged" in outcome.reason


def test_a_command_signed_with_another_key_is_dead_lettered(
        cdr: tuple[Processor, Settings]) -> None:
    forged = sign(command(), b"someone else's key")
    outcome = deliver(cdr[0], forged)
    assert isinstance(outcome, DeadLetter) and "altered or forged" in outcome.reason


def test_a_command_replayed_days_later_is_dead_lettered(
        cdr: tuple[Processor, Settings]) -> None:
    processor, settings = cdr
    old = sign(command(), settings.command_key)
    later = Processor(WORKER, processor.engine, settings, FakeClock(RECEIVED + timedelta(days=3)))
    outcome = deliver(later, old)
    assert isinstance(outcome, DeadLetter) and "stale or replayed" in outcome.reason
    assert SIGNATURE_ATTRIBUTE in old.model_dump()


def test_a_command_dated_beyond_the_clock_skew_in_the_future_is_dead_lettered(
        cdr: tuple[Processor, Settings]) -> None:
    processor, settings = cdr
    ahead = timedelta(seconds=settings.clock_skew_s + 60)
    forged = sign(command(time=RECEIVED + ahead), settings.command_key)
    outcome = deliver(processor, forged)
    assert isinstance(outcome, DeadLetter) and "ahead of this clock" in outcome.reason


def test_a_command_a_little_ahead_within_the_skew_is_carried_out(
        cdr: tuple[Processor, Settings]) -> None:
    processor, settings = cdr
    within = timedelta(seconds=settings.clock_skew_s / 2)
    assert isinstance(deliver(processor, sign(command(time=RECEIVED + within),
                                              settings.command_key)), Done)
