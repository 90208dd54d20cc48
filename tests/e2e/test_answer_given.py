"""Rulebook §2.5: the deadline is met when the answer reaches the customer, not when the saga
records it. Given means a gateway took the answer's notice, or the call centre read it out."""

from __future__ import annotations

from datetime import timedelta

from contracts.notification import (
    CallMade,
    DeliveryState,
    DeliveryUpdated,
    Medium,
    NotificationKind,
)
from contracts.vocabulary import Category, Right
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.e2e.test_intake_and_deadlines import deadline_events, tick
from tests.support.harness import Harness, final_count, publish, request_rows, submit
from tests.support.subjects import request_for, seeded

K = NotificationKind
PAST_TARGET_AND_DUE = ("2026-11-27", "2026-12-03")


def _complete(harness: Harness, *codes: str) -> dict[str, str]:
    """Requests of ``codes`` taken to completed; channel reference -> reference. No delivery
    worker runs: each answer's task waits on its queue, recorded but not sent (unless the test
    says a gateway took it)."""
    for code in codes:
        submit(harness, request_for(code, Right.RESTRICTION, f"ans-{code}",
                                    categories=[Category.PROFILES_SCORES]))
    harness.wait_until(lambda app: final_count(app) == len(codes))
    return {r["channel_reference"]: r["reference"] for r in request_rows(harness.app)}


def _rows(harness: Harness) -> dict[str, dict[str, object]]:
    return {r["channel_reference"]: r for r in request_rows(harness.app)}


def test_the_deadline_runs_until_a_gateway_takes_the_answer_or_the_call_centre_reads_it_out(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        alerts = harness.observe("request.#")
        by_channel = _complete(harness, "CM-100002", "CM-100005", "CM-100003")
        sent_ref, called_ref = by_channel["ans-CM-100002"], by_channel["ans-CM-100005"]
        now = harness.app.clock.now()
        sent_at, called_at = now + timedelta(hours=1), now + timedelta(hours=2)
        for kind, state, at in ((K.ACKNOWLEDGEMENT, DeliveryState.SENT, now),
                                (K.OUTCOME, DeliveryState.FAILED, now),
                                (K.OUTCOME, DeliveryState.SENT, sent_at),
                                (K.OUTCOME, DeliveryState.DELIVERED, called_at)):
            publish(harness, DeliveryUpdated(
                reference=sent_ref, notice_id=f"{sent_ref}/{kind.value}/{state.value}",
                kind=kind, medium=Medium.SMS, state=state, at=at), sent_ref)
        publish(harness, CallMade(reference=called_ref, kinds=[K.ACKNOWLEDGEMENT],
                                  called_by="agent.k", at=now), called_ref)
        harness.wait_until(lambda app: len(_notices_of(app, sent_ref)) == 4)
        assert _rows(harness)["ans-CM-100005"]["answered_at"] is None, "not an answer"
        publish(harness, CallMade(reference=called_ref, kinds=[K.DOCUMENT_REQUESTED, K.OUTCOME],
                                  called_by="agent.k", at=called_at), called_ref)
        harness.wait_until(lambda app: _rows(harness)["ans-CM-100005"]["answered_at"] is not None)
        for day in PAST_TARGET_AND_DUE:
            publish(harness, tick(day))
        # the third answer was recorded and never sent: escalated, then breached
        harness.wait_until(lambda app: _rows(harness)["ans-CM-100003"]["breached_at"] is not None)
        harness.wait_until(lambda app: len(deadline_events(alerts)) == 2)
        rows = _rows(harness)
        alerted = [(e.type, e.subject) for e in deadline_events(alerts)]
    unsent = rows["ans-CM-100003"]
    assert unsent["state"] == "completed" and unsent["answered_at"] is None
    assert alerted == [("request.deadline-escalated.v1", unsent["reference"]),
                       ("request.deadline-breached.v1", unsent["reference"])]
    assert rows["ans-CM-100002"]["answered_at"] == sent_at, "the first time a gateway took it"
    assert rows["ans-CM-100005"]["answered_at"] == called_at


def _notices_of(app: object, reference: str) -> list[dict[str, object]]:
    from services.intake.registry import notices_of

    with app.engine("intake").connect() as db:  # type: ignore[attr-defined]
        return notices_of(db, reference)
