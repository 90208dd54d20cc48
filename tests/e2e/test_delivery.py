"""Notices really leave, on both buses: SMS to the SMSC simulator over SMPP, e-mail to an
aiosmtpd relay, letters into the print room; each once, and back as delivered."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from contracts.intake import WithdrawalSubmitted
from contracts.status import ClockTicked, StatusReply
from contracts.vocabulary import Category, Channel, Right
from services.audit import register as audit_register
from services.audit.queries import trail
from services.delivery.print_room import MANIFEST
from services.delivery.queries import records
from services.notification import queries as notification_queries
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.delivering import delivering, gateway_settings, smtp_relay
from tests.support.harness import App, final_count, publish, request_rows, submit
from tests.support.intakes import RUN_STARTS, intake
from tests.support.smsc import SmscSimulator
from tests.support.subjects import SUBJECTS, request_for, seeded


def sms_notices(app: App) -> list[dict[str, object]]:
    return [n for n in notification_queries.notices(app.engine("notification"))
            if n["medium"] == "sms" and str(n["recipient"]).startswith("+")]


def test_every_notice_reaches_its_gateway_once_and_is_delivered(
        start: HarnessFactory) -> None:
    smsc = SmscSimulator().start()
    try:
        with smtp_relay() as (mailbox, smtp_port), \
                start(ALL, **gateway_settings(smsc, smtp_port)) as harness, \
                delivering(harness, harness.app.settings) as rig:
            seeded(harness)
            submit(harness, request_for("CM-100002", Right.RECTIFICATION, "d-rect",
                                        corrections={"email": "moussa.k@example.ml"}))
            submit(harness, request_for("CM-100005", Right.RESTRICTION, "d-restrict",
                                        categories=[Category.PROFILES_SCORES]))
            rig.settle(lambda app: final_count(app) == 2)
            app = harness.app
            expected = sum(int(str(n["parts"])) for n in sms_notices(app))
            rig.settle(lambda app: len(smsc.accepted) == expected
                       and _delivered_sms(harness, app) == len(sms_notices(app)))
            references = [r["reference"] for r in request_rows(app)]
            replies = {ref: _status(harness, ref) for ref in references}
            calls = notification_queries.calls_due(app.engine("notification"))
            audited = [e.summary for ref in references
                       for e in trail(app.engine("audit"), ref)]
            rig.settle(lambda app: all(r.answer_sent_at for r in _register(app)))
            register = _register(app)
            room = app.settings.print_room
            letters = sorted(p.name for p in room.glob("*.pdf"))
            manifest = (room / MANIFEST).read_text().splitlines()
            rig.settle(lambda app: len(mailbox.messages) >= 1)
    finally:
        smsc.stop()
    # each SMS part accepted once, and only by the verified subjects' numbers
    assert max(smsc.submit_counts().values()) == 1
    verified = {SUBJECTS[c].msisdn.lstrip("+") for c in ("CM-100002", "CM-100005")}
    assert {s.destination for s in smsc.accepted} <= verified
    assert {s.source for s in smsc.accepted} == {"7400"}
    for reply in replies.values():
        outcome = [n for n in reply.notices if n.kind.value == "outcome"]
        assert {(n.medium.value, n.state.value) for n in outcome} >= {("sms", "delivered")}
    # before verification nothing went to the number: the acknowledgement waits for 7400
    assert {c["kind"] for c in calls} >= {"acknowledgement"}
    assert "acknowledgement" not in {n.kind.value for r in replies.values() for n in r.notices
                                     if n.medium.value == "sms"}
    # letters whole in the print room, one manifest line each
    assert len(letters) == len(manifest) >= 2
    assert all(line.count("\t") == 3 for line in manifest)
    # the partners' notice went by e-mail, French text and HTML
    message = mailbox.messages[0]
    assert message["To"].endswith("@orangemali.example")
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    assert any(s.get("delivery") == "delivered" for s in audited)
    # the register says when the answer was given: when a gateway first took it
    for row in register:
        assert row.completed_at is not None and row.answer_sent_at is not None
        assert not row.completed_late


def _register(app: App) -> list[audit_register.RegisterRow]:
    with app.engine("audit").connect() as db:
        return audit_register.rows(db, date(2026, 1, 1), date(2026, 12, 31))


def _delivered_sms(harness: object, app: App) -> int:
    return sum(n.medium.value == "sms" and n.state.value == "delivered"
               for r in request_rows(app) for n in _status(harness, r["reference"]).notices)


def _status(harness: object, reference: str) -> StatusReply:
    reply = harness.client().status(reference)  # type: ignore[attr-defined]
    assert isinstance(reply, StatusReply)
    return reply


def test_a_package_code_that_never_arrives_goes_to_the_call_centre_not_the_post(
        start: HarnessFactory) -> None:
    smsc = SmscSimulator().start()
    smsc.behaviour.receipt_state = "UNDELIV"
    try:
        with smtp_relay() as (_mailbox, smtp_port), \
                start(ALL, **gateway_settings(smsc, smtp_port)) as harness, \
                delivering(harness, harness.app.settings) as rig:
            seeded(harness)
            submit(harness, request_for("CM-100001", Right.ACCESS, "d-access"))
            rig.settle(lambda app: any(
                c["kind"] == "package_code"
                for c in notification_queries.calls_due(app.engine("notification"))))
            app = harness.app
            calls = notification_queries.calls_due(app.engine("notification"))
            code_sms = [n for n in sms_notices(app) if n["kind"] == "package_code"]
            letters = [n for n in notification_queries.notices(app.engine("notification"))
                       if n["medium"] == "letter"]
    finally:
        smsc.stop()
    (call,) = [c for c in calls if c["kind"] == "package_code"]
    assert "SMS failed" in call["reason"]
    match = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b", str(code_sms[0]["body"]))
    assert match is not None
    code = match.group(0)
    assert all(code not in str(letter["body"]) for letter in letters)
    assert [n["kind"] for n in letters] == ["outcome"], "the outcome letter went anyway"


@pytest.mark.parametrize("smsc_says", ["UNDELIV", "nothing"])
def test_an_sms_that_fails_for_good_is_sent_again_as_a_letter(start: HarnessFactory,
                                                              smsc_says: str) -> None:
    """The withdrawal's confirmation goes by SMS only; undelivered, it is printed instead.
    An SMSC that says nothing (no receipt) is taken as failed after the receipt timeout."""
    smsc = SmscSimulator().start()
    smsc.behaviour.receipt_state = smsc_says
    smsc.behaviour.deliver = smsc_says != "nothing"
    try:
        with smtp_relay() as (_mailbox, smtp_port), \
                start(ALL, **gateway_settings(smsc, smtp_port)) as harness, \
                delivering(harness, harness.app.settings) as rig:
            submit(harness, intake(Right.ACCESS, "+22370000009", "Oumar Maïga"))
            rig.settle(lambda app: [r["state"] for r in request_rows(app)]
                       == ["document_requested"])
            reference = request_rows(harness.app)[0]["reference"]
            publish(harness, WithdrawalSubmitted(reference=reference, channel=Channel.CALLCENTRE,
                                                 received_at=harness.app.clock.now()),
                    reference)
            if smsc_says == "nothing":
                rig.settle(lambda app: ("withdrawal_confirmed", "sms", "sent") in _states(app))
                publish(harness, ClockTicked(now=RUN_STARTS + timedelta(
                    hours=harness.app.settings.sms_receipt_timeout_h + 1)))
            rig.settle(lambda app: any(
                n["kind"] == "withdrawal_confirmed" and n["medium"] == "letter"
                for n in notification_queries.notices(app.engine("notification"))))
            rig.settle(lambda app: any(app.settings.print_room.glob("*.pdf")))
            notices = notification_queries.notices(harness.app.engine("notification"))
            manifest = (harness.app.settings.print_room / MANIFEST).read_text()
    finally:
        smsc.stop()
    (sms,) = [n for n in notices if n["kind"] == "withdrawal_confirmed" and n["medium"] == "sms"]
    (letter,) = [n for n in notices
                 if n["kind"] == "withdrawal_confirmed" and n["medium"] == "letter"]
    assert letter["body"] == sms["body"], "the letter carries the SMS's text"
    assert f"\t{reference}\twithdrawal_confirmed\t" in manifest
    assert [d for d, _ in smsc.submit_counts()] == ["22370000009"], "one SMS, not re-sent"


def _states(app: App) -> set[tuple[str, str, str]]:
    return {(r["kind"], r["medium"], r["state"]) for r in records(app.engine("delivery"))}
