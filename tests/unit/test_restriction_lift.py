"""Lifting a restriction through the fulfilment worker on a fake clock: the notice first,
the notice period next, the stores last; idempotent and durable (state in the database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from contracts.backoffice import InventoryItem, StoreAction, StoreOutcome, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.envelope import CloudEvent
from contracts.intake import RequestDetails
from contracts.restriction import RestrictionLiftNotified, RestrictionLiftRequested
from contracts.vocabulary import Action, Category, Right, Store
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
