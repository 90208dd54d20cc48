"""Two replicas of intake on one PostgreSQL: while one moves a request, the other waits for
it, and a late event never moves the request back (docs/scaling.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from contracts.envelope import CloudEvent
from contracts.identity import DocumentRequested
from contracts.status import StatusChanged
from contracts.vocabulary import RequestState, Right
from services.bootstrap import App
from services.intake import registry
from services.runtime.delivery import Delivery, Done
from tests.support.intakes import intake, nina_card
from tests.support.replica_apps import replicas_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_replicas(postgres_url: str, tmp_path: Path) -> Iterator[tuple[App, App]]:
    """Two intake processes' worth of adapters on the same schema."""
    with replicas_of("intake", postgres_url, tmp_path) as (first, second):
        yield first, second


def as_delivery(event: CloudEvent) -> Delivery:
    return Delivery(body=event.to_json(), routing_key=event.type, headers={})


def test_a_late_event_waits_for_the_other_replica_and_never_moves_a_request_back(
        two_replicas: tuple[App, App]) -> None:
    first, second = two_replicas
    submitted = intake(Right.ACCESS, "+22370000001", "Awa Traoré",
                       nina_card("Awa Traoré", "1234567890123", date(1990, 1, 1)),
                       channel_reference="call-race")
    assert isinstance(first.processors["intake"].process(as_delivery(submitted)), Done)
    with first.engine("intake").connect() as conn:
        reference = registry.find_by_channel_reference(conn, "call-race")
    assert reference is not None
    late = CloudEvent.wrap(DocumentRequested(reference=reference, right=Right.ACCESS,
                                             reason="illisible"),
                           source="urn:dsr/identity", subject=reference)

    with first.engine("intake").connect() as replica_a, ThreadPoolExecutor(1) as replica_b:
        moving = replica_a.begin()
        assert registry.get(replica_a, reference, lock=True) is not None
        registry.set_state(replica_a, reference, RequestState.COMPLETED, first.clock.now())
        handled = replica_b.submit(second.processors["intake"].process, as_delivery(late))
        time.sleep(1.0)
        assert not handled.done(), "the second replica waits while the first moves the request"
        moving.commit()
        outcome = handled.result(timeout=30)

    assert isinstance(outcome, Done)
    assert [r.routing_key for r in outcome.to_publish
            if r.routing_key == StatusChanged.message_type] == []
    with first.engine("intake").connect() as conn:
        row = registry.get(conn, reference)
    assert row is not None and row["state"] == RequestState.COMPLETED.value
