"""The fulfilment worker through its Processor, on a fake clock: re-sends and withdrawal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from contracts.backoffice import InventoryItem, StoreAction, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.envelope import CloudEvent, Message
from contracts.fulfilment import FulfilmentReviewDecided, ReviewDecision
from contracts.intake import RequestDetails
from contracts.status import ClockTicked, RequestWithdrawn
from contracts.vocabulary import Category, Right, Store
from services.fulfilment.routes import WORKER
from services.runtime.clock import FakeClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import Delivery, Done
from services.runtime.processor import Processor
from tests.conftest import embedded_settings

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
REFERENCE = "DSR-2026-000077"


class Worker:
    def __init__(self, tmp_path: Path) -> None:
        settings = embedded_settings(tmp_path, store_reply_timeout_s=300, store_attempts=2)
        self.clock = FakeClock(NOW)
        engine = create_service_engine("fulfilment", settings, WORKER.tables)
        self.processor = Processor(WORKER, engine, settings, self.clock)

    def deliver(self, message: Message) -> list[tuple[str, dict[str, Any]]]:
        """(routing key, data) of everything the worker published for ``message``."""
        event = CloudEvent.wrap(message, source="test", subject=REFERENCE, time=self.clock.now())
        outcome = self.processor.process(Delivery(body=event.to_json(),
                                                  routing_key=event.type))
        assert isinstance(outcome, Done), outcome
        return [(r.routing_key, json.loads(r.body)["data"]) for r in outcome.to_publish]

    def tick(self) -> list[tuple[str, dict[str, Any]]]:
        return self.deliver(ClockTicked(now=self.clock.now()))

    def reply(self, store: Store, action: StoreAction,
              ok: bool = True) -> list[tuple[str, dict[str, Any]]]:
        return self.deliver(StoreResult(
            command_id=f"{REFERENCE}:{action.value}:{store.value}", reference=REFERENCE,
            store=store, action=action, ok=ok, error=None if ok else "refused"))


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    found = Worker(tmp_path)
    yield found
    found.processor.engine.dispose()


def discovered() -> DiscoveryCompleted:
    held = [InventoryItem(store=store, category=category, records=3, legal_basis="contract",
                          retention="contrat")
            for store, category in ((Store.CRM, Category.CONTACT),
                                    (Store.BILLING, Category.ECONOMIC_FINANCIAL))]
    return DiscoveryCompleted(reference=REFERENCE, right=Right.ERASURE, customer_code="CM-1",
                              holdings=[], inventory=held, details=RequestDetails())


def keys(published: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [key for key, _ in published]


def test_an_overdue_prepare_is_resent_on_the_tick_then_the_stores_are_compensated(
        worker: Worker) -> None:
    sent = worker.deliver(discovered())
    assert keys(sent) == ["backoffice.crm.prepare.v1", "backoffice.billing.prepare.v1"]
    worker.reply(Store.CRM, StoreAction.PREPARE)
    worker.clock.advance(timedelta(seconds=299))
    assert worker.tick() == []
    worker.clock.advance(timedelta(seconds=1))
    resent = worker.tick()
    assert keys(resent) == ["backoffice.billing.prepare.v1"]
    assert resent[0][1]["command_id"] == sent[1][1]["command_id"]
    worker.clock.advance(timedelta(seconds=300))
    assert keys(worker.tick()) == ["backoffice.billing.compensate.v1"]
    assert keys(worker.reply(Store.BILLING, StoreAction.COMPENSATE)) == [
        "backoffice.crm.compensate.v1"]
    (failed,) = worker.reply(Store.CRM, StoreAction.COMPENSATE)
    assert failed[0] == "fulfilment.failed.v1"
    assert failed[1]["compensated"] == ["billing", "crm"]
    assert "billing did not answer prepare after 2 sends" in failed[1]["reason"]


def test_a_withdrawal_before_the_commit_compensates_instead(worker: Worker) -> None:
    worker.deliver(discovered())
    worker.deliver(RequestWithdrawn(reference=REFERENCE, right=Right.ERASURE,
                                    withdrawn_at=NOW))
    assert worker.reply(Store.CRM, StoreAction.PREPARE) == []
    assert keys(worker.reply(Store.BILLING, StoreAction.PREPARE)) == [
        "backoffice.billing.compensate.v1"]


def test_a_late_reply_after_the_saga_moved_on_changes_nothing(worker: Worker) -> None:
    worker.deliver(discovered())
    worker.reply(Store.CRM, StoreAction.PREPARE, ok=False)
    assert worker.reply(Store.BILLING, StoreAction.PREPARE) == []
    assert worker.reply(Store.CRM, StoreAction.COMMIT) == []


def failed_saga(worker: Worker) -> None:
    worker.deliver(discovered())
    worker.reply(Store.CRM, StoreAction.PREPARE, ok=False)
    worker.reply(Store.BILLING, StoreAction.COMPENSATE)
    (failed,) = worker.reply(Store.CRM, StoreAction.COMPENSATE)
    assert failed[0] == "fulfilment.failed.v1"


def decided(decision: ReviewDecision) -> FulfilmentReviewDecided:
    return FulfilmentReviewDecided(reference=REFERENCE, decision=decision, reviewer="bko",
                                   reason="décidé en revue")


def test_a_retry_runs_the_saga_again_with_new_command_ids(worker: Worker) -> None:
    failed_saga(worker)
    sent = worker.deliver(decided(ReviewDecision.RETRY))
    assert keys(sent) == ["backoffice.crm.prepare.v1", "backoffice.billing.prepare.v1",
                          "fulfilment.retried.v1"]
    assert [data["command_id"] for _, data in sent[:2]] == [
        f"{REFERENCE}:r2:prepare:crm", f"{REFERENCE}:r2:prepare:billing"]
    assert {data["run"] for _, data in sent} == {2}
    assert worker.reply(Store.CRM, StoreAction.PREPARE) == [], "a reply to run 1 is stale"
    assert worker.deliver(decided(ReviewDecision.RETRY)) == [], "decided once"


def test_a_close_ends_the_fulfilment_and_no_retry_follows(worker: Worker) -> None:
    failed_saga(worker)
    (closed,) = worker.deliver(decided(ReviewDecision.CLOSE))
    assert closed == ("fulfilment.closed.v1", {"reference": REFERENCE, "right": "erasure",
                                               "reason": "décidé en revue",
                                               "restored": True})
    assert worker.deliver(decided(ReviewDecision.RETRY)) == []


def test_a_running_saga_cannot_be_decided(worker: Worker) -> None:
    worker.deliver(discovered())
    assert worker.deliver(decided(ReviewDecision.CLOSE)) == []


def test_a_failed_request_withdrawn_forgets_its_change_and_cannot_be_retried(
        worker: Worker) -> None:
    failed_saga(worker)
    worker.deliver(RequestWithdrawn(reference=REFERENCE, right=Right.ERASURE,
                                    withdrawn_at=NOW))
    event = CloudEvent.wrap(decided(ReviewDecision.RETRY), source="test", subject=REFERENCE)
    outcome = worker.processor.process(Delivery(body=event.to_json(), routing_key=event.type))
    assert not isinstance(outcome, Done)
    assert "withdrawn" in str(outcome)
