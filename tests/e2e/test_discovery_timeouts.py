"""A store that never answers discovery does not leave the request silent (rulebook §2.5, §7).

The CDR worker is not started: its ``discover`` command goes unanswered. Clock ticks make
discovery ask again with the same command id every ``DSR_STORE_REPLY_TIMEOUT_S``, up to
``DSR_STORE_ATTEMPTS`` sends; then the request goes to manual review naming the store, and
the deadline monitor still escalates it at its internal target.
"""

from __future__ import annotations

from datetime import date, timedelta

from contracts.envelope import COMMANDS_EXCHANGE, CloudEvent
from contracts.status import ClockTicked
from contracts.vocabulary import Right
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, Observer, publish, request_rows, submit
from tests.support.subjects import request_for, seeded

WITHOUT_CDR = tuple(name for name in ALL if name != "cdr")
TIMEOUT_S, ATTEMPTS = 300, 3


def the_request(app: App) -> dict[str, object]:
    (row,) = request_rows(app)
    return row


def command_ids(observer: Observer) -> list[str]:
    return [CloudEvent.model_validate(e).data["command_id"] for e in observer.events()]


def test_a_store_silent_at_discovery_is_asked_again_then_the_request_goes_to_review(
        start: HarnessFactory) -> None:
    with start(WITHOUT_CDR, store_reply_timeout_s=TIMEOUT_S,
               store_attempts=ATTEMPTS) as harness:
        asked = harness.observe("backoffice.cdr.discover.v1", exchange=COMMANDS_EXCHANGE)
        escalations = harness.observe("request.deadline-escalated.v1")
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ERASURE, "call-silent-cdr"))
        harness.wait_until(lambda app: len(command_ids(asked)) == 1)
        assert the_request(harness.app)["state"] == "identity_verified"
        began = harness.app.clock.now()
        for sends in range(2, ATTEMPTS + 1):
            publish(harness, ClockTicked(now=began + timedelta(seconds=(TIMEOUT_S + 1)
                                                              * (sends - 1))))

            def sent(app: App, n: int = sends) -> bool:
                return len(command_ids(asked)) == n

            harness.wait_until(sent)
            assert the_request(harness.app)["state"] == "identity_verified"
        publish(harness, ClockTicked(now=began + timedelta(seconds=(TIMEOUT_S + 1) * ATTEMPTS)))
        harness.wait_until(lambda app: the_request(app)["state"] == "manual_review")
        row = the_request(harness.app)
        ids = command_ids(asked)

        target = row["target_on"]
        assert isinstance(target, date), target
        days_to_target = (target - began.date()).days
        publish(harness, ClockTicked(now=began + timedelta(days=days_to_target, hours=1)))
        harness.wait_until(lambda app: len(escalations.events()) == 1)
        escalated = escalations.events()[0].data

    assert len(ids) == ATTEMPTS and len(set(ids)) == 1  # the same command, sent again
    assert row["reason"] == f"discovery failed: cdr did not answer discovery after {ATTEMPTS} sends"
    assert escalated["state"] == "manual_review"
    assert escalated["reference"] == row["reference"]
