"""A failed identity check carries a code; the customer's letter words each code in French and
never shows the staff's English note (rulebook §3.3, §8: the customer reads French)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pydantic import ValidationError

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult, IdentityFailure
from contracts.intake import DocumentSummary, SubjectClaim
from contracts.vocabulary import DocumentKind
from services.identity.checks import run_checks
from services.identity.results import NOTES, check
from services.notification import wording
from services.notification.rendering import render

BASE = {"reference": "DSR-2026-000042", "right_fr": "droit d'accès",
        "request_fr": "demande d'accès", "due_on": "02/12/2026", "received_on": "02/11/2026"}
#: Words an English reason would hold and a French letter never does.
ENGLISH = re.compile(r"\b(the|does|not match|our records|was|were|received|missing|is)\b")


def test_every_failure_code_has_its_french_wording_and_its_staff_note() -> None:
    assert set(wording.IDENTITY_FAILURES) == set(IdentityFailure)
    assert set(NOTES) == set(IdentityFailure)
    for code, french in wording.IDENTITY_FAILURES.items():
        assert french and not ENGLISH.search(french), code
        assert french != NOTES[code]


def test_a_failed_check_carries_its_code_and_a_passed_one_none() -> None:
    with pytest.raises(ValidationError, match="failure code"):
        CheckResult(check="holder_name", passed=False, note="the name does not match")
    with pytest.raises(ValidationError, match="failure code"):
        CheckResult(check="holder_name", passed=True, failure=IdentityFailure.NAME_MISMATCH)
    failed = check("nina", False, IdentityFailure.NINA_MISMATCH)
    assert failed.failure is IdentityFailure.NINA_MISMATCH
    assert failed.note == NOTES[IdentityFailure.NINA_MISMATCH]
    assert check("nina", True, IdentityFailure.NINA_MISMATCH).failure is None


def test_each_failed_check_says_why_with_its_code() -> None:
    document = DocumentSummary(kind=DocumentKind.NINA_CARD, number="NINA123",
                               holder_name="Mousa Keyyta", date_of_birth=date(1981, 5, 2),
                               expires_on=date(2026, 1, 1), copy_sha256="a" * 64)
    record = IdentityRecord(customer_code="C1", full_name="Moussa Keïta",
                            date_of_birth=date(1980, 5, 2), nina="NINA999",
                            msisdn_held_on_receipt=False)
    claim = SubjectClaim(msisdn="+22376000001", full_name="Moussa Keïta")
    failed = {c.check: (c.failure, c.inconclusive)
              for c in run_checks(claim, document, record, date(2026, 11, 2)) if not c.passed}
    assert failed == {
        "document_valid_on_receipt": (IdentityFailure.DOCUMENT_EXPIRED, False),
        "holder_name": (IdentityFailure.NAME_CLOSE, True),
        "date_of_birth": (IdentityFailure.DATE_OF_BIRTH_MISMATCH, False),
        "nina": (IdentityFailure.NINA_MISMATCH, False),
        "msisdn_held_on_receipt": (IdentityFailure.MSISDN_NOT_HELD, False),
    }


def test_a_rejection_letter_words_every_failure_in_french_and_no_english_note() -> None:
    checks = [check(f"check_{code.value}", False, code) for code in IdentityFailure]
    checks.append(CheckResult(check="document_accepted", passed=True))
    letter = render("identity_not_verified", "letter", **BASE,
                    failed_checks=wording.failed_checks(checks))
    for code in IdentityFailure:
        assert wording.IDENTITY_FAILURES[code] in letter
        assert NOTES[code] not in letter
    assert not ENGLISH.search(letter), ENGLISH.search(letter)


def test_a_wording_is_said_once_however_many_checks_failed_for_it() -> None:
    checks = [check("holder_name", False, IdentityFailure.NAME_CLOSE, inconclusive=True),
              check("representative_name", False, IdentityFailure.NAME_CLOSE),
              check("manual_review", False, IdentityFailure.REVIEW_NOT_CONFIRMED)]
    assert wording.failed_checks(checks) == [
        wording.IDENTITY_FAILURES[IdentityFailure.NAME_CLOSE],
        wording.IDENTITY_FAILURES[IdentityFailure.REVIEW_NOT_CONFIRMED]]
