"""Rulebook §3.2: name matching and the passport MRZ."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.backoffice import IdentityRecord
from contracts.intake import DocumentSummary, SubjectClaim
from contracts.vocabulary import DocumentKind
from services.identity.checks import Decision, decide, run_checks
from services.identity.mrz import check_digit, parse_td3
from services.identity.names import mixes_scripts, names_match

# The ICAO 9303 specimen passport (Utopia), part 4 appendix.
SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


@pytest.mark.parametrize(("claimed", "recorded"), [
    ("Moussa Keita", "Moussa Keïta"),
    ("Toure Aminata", "Aminata Touré"),
    ("FATOUMATA COULIBALI", "Fatoumata Coulibaly"),
])
def test_names_match_across_accents_order_case_and_small_spelling(claimed: str,
                                                                  recorded: str) -> None:
    assert names_match(claimed, recorded)


def test_different_people_do_not_match() -> None:
    assert not names_match("Moussa Keïta", "Mariam Diarra")


def test_icao_specimen_check_digits() -> None:
    assert check_digit("L898902C3") == 6
    mrz = parse_td3(SPECIMEN)
    assert mrz is not None and mrz.digits_valid and mrz.number == "L898902C3"


def test_a_tampered_mrz_fails() -> None:
    tampered = SPECIMEN.replace("7408122", "7508122")
    mrz = parse_td3(tampered)
    assert mrz is not None and not mrz.digits_valid


def _document(**changes: object) -> DocumentSummary:
    values: dict[str, object] = {"kind": DocumentKind.NINA_CARD, "number": "NINA123",
                                 "holder_name": "Keita Moussa", "date_of_birth": date(1980, 5, 2),
                                 "expires_on": date(2030, 1, 1), "copy_sha256": "a" * 64}
    values.update(changes)
    return DocumentSummary(**values)  # type: ignore[arg-type]


CLAIM = SubjectClaim(msisdn="+22376000001", full_name="Moussa Keïta")
RECORD = IdentityRecord(customer_code="C1", full_name="Moussa Keïta",
                        date_of_birth=date(1980, 5, 2), nina="NINA123",
                        msisdn_held_on_receipt=True)


def test_a_matching_document_passes_every_check() -> None:
    checks = run_checks(CLAIM, _document(), RECORD, date(2026, 11, 1))
    assert decide(checks) is Decision.VERIFIED


def test_a_name_close_but_not_within_tolerance_goes_to_manual_review() -> None:
    document = _document(holder_name="Mousaa Keittaa")
    claim = SubjectClaim(msisdn="+22376000001", full_name="Mousaa Keittaa")
    checks = run_checks(claim, document, RECORD, date(2026, 11, 1))
    assert decide(checks) is Decision.MANUAL_REVIEW


@pytest.mark.parametrize("lookalike", ["Moussa K\u0435\u00efta",  # U+0435 CYRILLIC IE
                                       "\u039coussa Keïta"])  # U+039C GREEK MU
def test_a_name_mixing_scripts_goes_to_manual_review_however_close(lookalike: str) -> None:
    claim = SubjectClaim(msisdn="+22376000001", full_name=lookalike)
    checks = run_checks(claim, _document(holder_name=lookalike), RECORD, date(2026, 11, 1))
    assert [c.check for c in checks if not c.passed] == ["holder_name"]
    assert decide(checks) is Decision.MANUAL_REVIEW


def test_a_name_in_one_other_script_is_not_mixed() -> None:
    assert not mixes_scripts("\u07d3\u07ca\u07de\u07ca\u07d9\u07cc")  # N'Ko
    assert mixes_scripts("B\u0430k\u0430ry") and not mixes_scripts("Bakary N'Diaye-Traoré")


@pytest.mark.parametrize(("document", "record", "failed"), [
    (_document(expires_on=date(2026, 10, 31)), RECORD, "document_valid_on_receipt"),
    (_document(date_of_birth=date(1981, 5, 2)), RECORD, "date_of_birth"),
    (_document(number="OTHER"), RECORD, "nina"),
    (_document(), RECORD.model_copy(update={"msisdn_held_on_receipt": False}),
     "msisdn_held_on_receipt"),
    (_document(), None, "customer_found"),
])
def test_each_failed_check_is_named_and_reveals_no_crm_data(
        document: DocumentSummary, record: IdentityRecord | None, failed: str) -> None:
    checks = run_checks(CLAIM, document, record, date(2026, 11, 1))
    assert decide(checks) is Decision.REJECTED
    failing = [c for c in checks if not c.passed]
    assert [c.check for c in failing] == [failed]
    assert all("Keïta" not in (c.note or "") and "1980" not in (c.note or "") for c in failing)
