"""Issue 10 item 7: before identity is verified nothing goes to a number or address the
requester quoted or the CRM holds: anyone can quote a stranger's number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from contracts.vocabulary import Channel, Right
from services.bootstrap import App
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import request_rows, states, submit
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, request_for, seeded

RETURN_ADDRESS = ["Fatoumata Coulibaly", "Quartier Wayerma II, rue 12", "Sikasso"]


def messages(app: App) -> list[Any]:
    with app.engine("notification").connect() as db:
        return list(db.execute(select(outbound_messages).order_by(outbound_messages.c.id)))


def test_quoting_a_strangers_number_sends_that_stranger_nothing(start: HarnessFactory) -> None:
    stranger = SUBJECTS["CM-100003"]
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, intake(Right.ACCESS, stranger.msisdn, "Adama Sidibé",
                               nina_card("Adama Sidibé", "NINA-00000000", None),
                               channel_reference="call-stranger"))
        harness.wait_until(lambda app: states(app) == {"call-stranger": "closed"})
        reference = request_rows(harness.app)[0]["reference"]
        sent = messages(harness.app)
    assert {(m.kind, m.medium) for m in sent} >= {("acknowledgement", "sms"),
                                                  ("identity_not_verified", "sms")}
    assert all(m.recipient == f"7400:{reference}" for m in sent), \
        "every message is held for the call centre, which reads it to the caller"
    assert not any(stranger.msisdn in m.recipient for m in sent)


def test_once_verified_the_answer_goes_to_the_subjects_number(start: HarnessFactory) -> None:
    plan = SUBJECTS["CM-100002"]
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100002", Right.ERASURE, "call-verified"))
        harness.wait_until(lambda app: states(app) == {"call-verified": "completed"})
        reference = request_rows(harness.app)[0]["reference"]
        sent = {(m.kind, m.medium): m.recipient for m in messages(harness.app)}
    assert sent[("acknowledgement", "sms")] == f"7400:{reference}"
    assert sent[("outcome", "sms")] == plan.msisdn


def test_a_letter_is_acknowledged_by_post_to_its_return_address(start: HarnessFactory) -> None:
    event = request_for("CM-100003", Right.ACCESS, "letter-2026-0042")
    event = event.model_copy(update={"data": {**event.data, "channel": Channel.POSTAL.value,
                                              "return_address": RETURN_ADDRESS}})
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, event)
        harness.wait_until(lambda app: states(app) == {"letter-2026-0042": "completed"})
        reference = request_rows(harness.app)[0]["reference"]
        sent = {(m.kind, m.medium): m for m in messages(harness.app)}
        data_dir = harness.app.settings.data_dir
    letter = sent[("acknowledgement", "letter")]
    assert letter.recipient == "courrier:" + " / ".join(RETURN_ADDRESS)
    assert letter.document == f"post/{reference}/acknowledgement.pdf"
    assert (data_dir / letter.document).read_bytes().startswith(b"%PDF")
    assert reference in letter.body and "accusé de réception" in letter.body
    assert sent[("acknowledgement", "sms")].recipient == f"7400:{reference}"
