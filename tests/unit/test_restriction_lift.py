"""Lifting a restriction through the fulfilment worker on a fake clock: the notice first,
the notice period next, the stores last; idempotent and durable (state in the database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console

from contracts.backoffice import InventoryItem, StoreAction, StoreOutcome, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.envelope import CloudEvent
from contracts.intake import RequestDetails
from contracts.restriction import RestrictionLiftNotified, RestrictionLiftRequested
from contracts.vocabulary import Action, Category, Right, Store
from services.cli import operations
from services.runtime.delivery import DeadLetter, Delivery
from tests.unit.test_fulfilment_worker import NOW, REFERENCE, Worker, keys

LIFT = "restriction.lift-requested.v1"
UNRESTRICT = ["backoffice.crm.unrestrict.v1", "backoffice.billing.unrestrict.v1"]


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    found = Worker(tmp_path)
    yield found
    found.processor.engine.dispose()


def restricted(worker: Worker) -> None:
    """A restriction saga carried through to its commit in the CRM and billing."""
    held = [InventoryItem(store=store, category=category, records=3, legal_basis="contract",
                          retention="contrat")
            for store, category in ((Store.CRM, Category.CONTACT),
                                    (Store.BILLING, Category.ECONOMIC_FINANCIAL))]
    worker.deliver(DiscoveryCompleted(reference=REFERENCE, right=Right.RESTRICTION,
                                      customer_code="CM-1", holdings=[], inventory=held,
                                      details=RequestDetails()))
    for action in (StoreAction.PREPARE, StoreAction.COMMIT):
        for store in (Store.CRM, Store.BILLING):
            worker.reply(store, action)


def lift_requested(worker: Worker) -> list[tuple[str, dict[str, Any]]]:
    return worker.deliver(RestrictionLiftRequested(reference=REFERENCE, reason="fin du litige",
                                                   requested_by="dpo"))


def unrestricted(worker: Worker, store: Store) -> list[tuple[str, dict[str, Any]]]:
    return worker.deliver(StoreResult(
        command_id=f"{REFERENCE}:unrestrict:{store.value}", reference=REFERENCE, store=store,
        action=StoreAction.UNRESTRICT, ok=True,
        outcomes=[StoreOutcome(category=Category.CONTACT, action=Action.RESTRICT, records=0)]))


def test_the_notice_goes_first_and_the_stores_are_lifted_after_the_period(
        worker: Worker) -> None:
    restricted(worker)
    announced = lift_requested(worker)
    assert keys(announced) == ["restriction.lift-announced.v1"]
    assert announced[0][1]["lift_on"] == (NOW + timedelta(days=7)).date().isoformat()
    worker.clock.advance(timedelta(days=8))
    assert worker.tick() == [], "no lift before the customer has been told"
    worker.deliver(RestrictionLiftNotified(reference=REFERENCE, notified_at=worker.clock.now()))
    sent = worker.tick()
    assert sorted(keys(sent)) == sorted(UNRESTRICT)
    assert {data["command_id"] for _, data in sent} == {
        f"{REFERENCE}:unrestrict:crm", f"{REFERENCE}:unrestrict:billing"}
    assert worker.tick() == [], "sent once, not on every tick"
    assert unrestricted(worker, Store.CRM) == []
    lifted = unrestricted(worker, Store.BILLING)
    assert keys(lifted) == ["restriction.lifted.v1"]
    assert unrestricted(worker, Store.BILLING) == [] and lift_requested(worker) == []


def test_a_notified_lift_waits_for_the_notice_period(worker: Worker) -> None:
    restricted(worker)
    lift_requested(worker)
    worker.deliver(RestrictionLiftNotified(reference=REFERENCE, notified_at=NOW))
    worker.clock.advance(timedelta(days=6))
    assert worker.tick() == []
    worker.clock.advance(timedelta(days=1))
    assert sorted(keys(worker.tick())) == sorted(UNRESTRICT)


def test_an_unanswered_lift_is_resent_with_the_same_command_id(worker: Worker) -> None:
    restricted(worker)
    lift_requested(worker)
    worker.deliver(RestrictionLiftNotified(reference=REFERENCE, notified_at=NOW))
    worker.clock.advance(timedelta(days=7))
    first = worker.tick()
    unrestricted(worker, Store.CRM)
    worker.clock.advance(timedelta(seconds=301))
    again = worker.tick()
    assert keys(again) == ["backoffice.billing.unrestrict.v1"]
    assert again[0][1]["command_id"] == next(
        data["command_id"] for key, data in first if key == again[0][0])


def test_a_lift_without_a_restriction_in_force_is_dead_lettered_with_the_reason(
        worker: Worker) -> None:
    event = CloudEvent.wrap(RestrictionLiftRequested(reference=REFERENCE, reason="erreur",
                                                     requested_by="dpo"), source="test")
    outcome = worker.processor.process(Delivery(body=event.to_json(), routing_key=LIFT))
    assert isinstance(outcome, DeadLetter)
    assert "no restriction" in outcome.reason


def test_a_store_that_never_answers_fails_the_lift_before_a_person_after_the_last_send(
        worker: Worker) -> None:
    restricted(worker)
    lift_requested(worker)
    worker.deliver(RestrictionLiftNotified(reference=REFERENCE, notified_at=NOW))
    worker.clock.advance(timedelta(days=7))
    sends = [worker.tick()]
    unrestricted(worker, Store.CRM)
    worker.clock.advance(timedelta(seconds=301))
    sends.append(worker.tick())
    assert [keys(sent).count("backoffice.billing.unrestrict.v1") for sent in sends] == [1, 1]
    worker.clock.advance(timedelta(seconds=301))
    failed = worker.tick()
    assert keys(failed) == ["fulfilment.failed.v1"], "no third send: DSR_STORE_ATTEMPTS=2"
    event = failed[0][1]
    assert event["reference"] == REFERENCE and event["right"] == "restriction"
    assert event["not_restored"] == ["billing"]
    assert "billing did not answer unrestrict after 2 sends" in event["reason"]
    assert "lifted in: crm" in event["reason"]
    worker.clock.advance(timedelta(days=1))
    assert worker.tick() == [], "a failed lift is not re-sent"
    assert unrestricted(worker, Store.BILLING) == [], "a late answer does not reopen it"
    again = lift_requested(worker)
    assert keys(again) == ["backoffice.billing.unrestrict.v1"], "asked again: no new notice"
    assert again[0][1]["command_id"] == f"{REFERENCE}:unrestrict:billing"
    assert keys(unrestricted(worker, Store.BILLING)) == ["restriction.lifted.v1"]


def test_a_failed_lift_is_listed_by_dsr_stuck_with_its_reason(
        worker: Worker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    restricted(worker)
    lift_requested(worker)
    worker.deliver(RestrictionLiftNotified(reference=REFERENCE, notified_at=NOW))
    worker.clock.advance(timedelta(days=7))
    worker.tick()
    for _ in range(2):
        worker.clock.advance(timedelta(seconds=301))
        worker.tick()
    for name in ("DSR_DATABASE_URL", "DSR_AMQP_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(operations, "console", Console(width=400))
    result = CliRunner().invoke(operations.stuck, [])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if REFERENCE in line)
    assert "lift failed" in line
    assert "crm, billing did not answer unrestrict after 2 sends" in line
