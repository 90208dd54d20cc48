"""Identity verification end to end (rulebook §3), on both buses."""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from contracts.identity import IdentityFailure, ReviewDecided
from contracts.intake import DocumentSubmitted
from contracts.vocabulary import Channel, Right
from services.identity.tables import verifications
from services.notification import wording
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, publish, request_rows, states, submit
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, company_request, request_for, seeded


def verification(app: App, reference: str = "DSR-2026-000001") -> dict[str, object]:
    with app.engine("identity").connect() as conn:
        row = conn.execute(select(verifications).where(
            verifications.c.reference == reference)).one()
    return dict(row._mapping)


def failed_checks(app: App, reference: str = "DSR-2026-000001") -> list[str]:
    checks = verification(app, reference)["checks"] or []
    assert isinstance(checks, list), checks
    return [c["check"] for c in checks if not c["passed"]]


def test_a_late_document_resumes_the_same_request(start: HarnessFactory) -> None:
    plan = SUBJECTS["CM-100002"]
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, intake(Right.ACCESS, plan.msisdn, plan.full_name,
                               channel_reference="call-later"))
        harness.wait_until(lambda app: states(app) == {"call-later": "document_requested"})
        publish(harness, DocumentSubmitted(
            reference="DSR-2026-000001", channel=Channel.POSTAL,
            received_at=harness.app.clock.now(),
            identity_document=nina_card(plan.full_name, plan.nina or "", plan.date_of_birth)))
        harness.wait_until(lambda app: states(app) == {"call-later": "completed"})
        assert verification(harness.app)["outcome"] == "verified"


def test_an_expired_document_is_rejected_and_says_which_check(start: HarnessFactory) -> None:
    plan = SUBJECTS["CM-100003"]
    expired = nina_card(plan.full_name, plan.nina or "", plan.date_of_birth,
                        expires=date(2026, 10, 31))
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100003", Right.ERASURE, "call-expired", document=expired))
        harness.wait_until(lambda app: states(app) == {"call-expired": "closed"})
        assert failed_checks(harness.app) == ["document_valid_on_receipt"]


def test_a_name_with_look_alike_letters_of_another_script_goes_to_review(
        start: HarnessFactory) -> None:
    plan = SUBJECTS["CM-100002"]
    lookalike = plan.full_name.replace("a", "\u0430")  # U+0430 CYRILLIC A, a typo per letter
    assert lookalike != plan.full_name
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, intake(Right.ERASURE, plan.msisdn, lookalike,
                               nina_card(lookalike, plan.nina or "", plan.date_of_birth),
                               channel_reference="call-lookalike"))
        harness.wait_until(lambda app: states(app) == {"call-lookalike": "manual_review"})
        assert failed_checks(harness.app) == ["holder_name"]


@pytest.mark.parametrize("approve", [True, False])
def test_a_name_close_to_the_record_waits_for_a_back_office_decision(
        start: HarnessFactory, approve: bool) -> None:
    plan = SUBJECTS["CM-100004"]
    misspelt = nina_card("Oumar Diarrah Ba", plan.nina or "", plan.date_of_birth)
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, intake(Right.ACCESS, plan.msisdn, "Oumar Diarrah Ba", misspelt,
                               channel_reference="call-review"))
        harness.wait_until(lambda app: states(app) == {"call-review": "manual_review"})
        publish(harness, ReviewDecided(reference="DSR-2026-000001", approved=approve,
                                       reviewer="agent.bko.12", reason="ID checked at shop"))
        final = "completed" if approve else "closed"
        harness.wait_until(lambda app: states(app) == {"call-review": final})


def test_a_company_acting_through_its_representative_with_a_mandate_is_verified(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, company_request("letter-company"))
        submit(harness, company_request("letter-no-mandate", mandate=None))
        submit(harness, company_request("letter-stranger", acting="CM-100001"))
        harness.wait_until(lambda app: states(app) == {
            "letter-company": "completed", "letter-no-mandate": "closed",
            "letter-stranger": "manual_review"})
        assert failed_checks(harness.app, "DSR-2026-000002") == ["mandate_provided"]
        assert failed_checks(harness.app, "DSR-2026-000003") == ["representative_on_file"]


def test_the_copy_of_the_document_is_gone_from_every_store_and_log(
        start: HarnessFactory, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    plan = SUBJECTS["CM-100005"]
    marker = b"UNIQUE-SCAN-CONTENT-7f3a9c"
    copy = base64.b64encode(marker * 20).decode()
    document = nina_card(plan.full_name, plan.nina or "", plan.date_of_birth, scan=copy)
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100005", Right.ACCESS, "call-scan", document=document))
        harness.wait_until(lambda app: states(app) == {"call-scan": "completed"})
        kept = verification(harness.app)
        harness.app.dispose()
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    logs = capfd.readouterr()
    assert kept["document_sha256"] and kept["pending_claim"] is None
    assert kept["document_kind"] == "nina_card"
    for needle in (marker, copy[:40].encode()):
        assert needle not in stored
        assert needle.decode() not in logs.out + logs.err


def td3(surname: str, given: str, number: str, born: date, sex: str, expires: date) -> str:
    """A passport machine-readable zone with correct ICAO 9303 check digits."""
    from services.identity.mrz import check_digit

    first = f"P<MLI{surname.upper()}<<{given.upper()}".ljust(44, "<")[:44]
    doc = number.ljust(9, "<")
    birth, expiry, optional = born.strftime("%y%m%d"), expires.strftime("%y%m%d"), "<" * 14
    body = (f"{doc}{check_digit(doc)}MLI{birth}{check_digit(birth)}{sex}{expiry}"
            f"{check_digit(expiry)}{optional}{check_digit(optional)}")
    composite = body[0:10] + body[13:20] + body[21:43]
    return first + body + str(check_digit(composite))


@pytest.mark.parametrize(("tamper", "final"), [(False, "completed"), (True, "closed")])
def test_a_passport_is_checked_by_its_machine_readable_zone(
        start: HarnessFactory, tamper: bool, final: str) -> None:
    from contracts.intake import IdentityDocument
    from contracts.vocabulary import DocumentKind
    from tests.support.intakes import SCAN

    plan = SUBJECTS["CM-100001"]
    assert plan.date_of_birth is not None
    expires = date(2030, 6, 30)
    mrz = td3("TRAORE", "AMINATA", "AA1234567", plan.date_of_birth, "F", expires)
    if tamper:
        mrz = mrz[:-1] + str((int(mrz[-1]) + 1) % 10)
    passport = IdentityDocument(kind=DocumentKind.PASSPORT, number="AA1234567",
                                holder_name=plan.full_name, date_of_birth=plan.date_of_birth,
                                expires_on=expires, mrz=mrz, copy_base64=SCAN)
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ACCESS, "call-passport",
                                    document=passport))
        harness.wait_until(lambda app: states(app) == {"call-passport": final})
        failed = failed_checks(harness.app)
    assert failed == (["passport_mrz"] if tamper else [])


def test_a_rejection_letter_states_the_failed_checks_in_french(start: HarnessFactory) -> None:
    """Rulebook §3.3, §8: the customer is told which check failed, in French; the staff's
    English notes stay in the identity worker's record."""
    expiring, impostor = SUBJECTS["CM-100003"], SUBJECTS["CM-100001"]
    assert impostor.date_of_birth is not None
    expired = nina_card(expiring.full_name, expiring.nina or "", expiring.date_of_birth,
                        expires=date(2026, 10, 31))
    wrong_birth = nina_card(impostor.full_name, impostor.nina or "",
                            impostor.date_of_birth.replace(year=1960))
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100003", Right.ERASURE, "call-expired", document=expired))
        submit(harness, request_for("CM-100001", Right.ACCESS, "call-born", document=wrong_birth))
        harness.wait_until(lambda app: states(app) == {"call-expired": "closed",
                                                       "call-born": "closed"})
        letters = {channel_reference(harness.app, ref): body
                   for ref, body in rejection_letters(harness.app).items()}
        notes = {c["note"] for r in verifications_of(harness.app) for c in r.checks
                 if c["note"]}
    expected = {"call-expired": IdentityFailure.DOCUMENT_EXPIRED,
                "call-born": IdentityFailure.DATE_OF_BIRTH_MISMATCH}
    assert set(letters) == set(expected)
    assert notes, "staff still read why, in English"
    for channel, body in letters.items():
        assert f"  - {wording.IDENTITY_FAILURES[expected[channel]]}" in body, body
        assert not any(note in body for note in notes), body
        assert not re.search(r"\b(the|does not|our records|had expired)\b", body), body


def verifications_of(app: App) -> list[Any]:
    with app.engine("identity").connect() as conn:
        return list(conn.execute(select(verifications)))


def rejection_letters(app: App) -> dict[str, str]:
    with app.engine("notification").connect() as conn:
        rows = conn.execute(select(outbound_messages).where(
            outbound_messages.c.kind == "identity_not_verified",
            outbound_messages.c.medium == "letter"))
        return {r.reference: r.body for r in rows}


def channel_reference(app: App, reference: str) -> str:
    found = next(r["channel_reference"] for r in request_rows(app) if r["reference"] == reference)
    assert isinstance(found, str), found
    return found
