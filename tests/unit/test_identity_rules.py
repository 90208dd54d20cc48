"""Rulebook §3.2: name matching, the passport MRZ, and former customers (§4 recycling)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult
from contracts.intake import DocumentSummary, SubjectClaim
from contracts.vocabulary import DocumentKind
from services.identity.checks import Decision, decide, identify_subject, run_checks
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
    return DocumentSummary(**values)


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


# Former customers (rulebook §3.2 with §4's number recycling): identified by their document
# against their own record, and by a number they held during a period that has ended.
RECEIVED_ON = date(2026, 11, 2)
ENDED = datetime(2026, 3, 6, tzinfo=UTC)
FORMER = IdentityRecord(customer_code="C-FORMER", full_name="Seydou Sissoko",
                        date_of_birth=date(1970, 5, 17), nina="NINA-SEYDOU",
                        msisdn_held_on_receipt=False, former_customer=True,
                        msisdn_held_until=ENDED)
NEW_HOLDER = IdentityRecord(customer_code="C-NEW", full_name="Awa Konaté",
                            date_of_birth=date(1998, 12, 5), nina="NINA-AWA",
                            msisdn_held_on_receipt=True)
SEYDOU = SubjectClaim(msisdn="+22370002000", full_name="Seydou Sissoko")


def _card(holder: str, nina: str, born: date, **changes: object) -> DocumentSummary:
    return _document(holder_name=holder, number=nina, date_of_birth=born, **changes)


SEYDOU_CARD = _card("Seydou Sissoko", "NINA-SEYDOU", date(1970, 5, 17))


def failed(checks: list[CheckResult]) -> list[str]:
    return [c.check for c in checks if not c.passed]


def test_a_former_customer_is_verified_on_a_number_they_held_until_their_contract_ended(
) -> None:
    checks = run_checks(SEYDOU, SEYDOU_CARD, FORMER, RECEIVED_ON)
    assert decide(checks) is Decision.VERIFIED
    assert "msisdn_held_before_contract_ended" in [c.check for c in checks]


@pytest.mark.parametrize(("record", "failing"), [
    (FORMER.model_copy(update={"msisdn_held_until": None}),
     "msisdn_held_before_contract_ended"),
    (FORMER.model_copy(update={"msisdn_held_until": datetime(2026, 11, 20, tzinfo=UTC)}),
     "msisdn_held_before_contract_ended"),
    (FORMER.model_copy(update={"former_customer": False}), "msisdn_held_on_receipt"),
])
def test_a_number_is_a_former_customers_only_for_a_period_that_ended_before_receipt(
        record: IdentityRecord, failing: str) -> None:
    """Never theirs, theirs only after the receipt date, or a customer whose contract still
    runs quoting a number they gave up: the number check fails."""
    checks = run_checks(SEYDOU, SEYDOU_CARD, record, RECEIVED_ON)
    assert decide(checks) is Decision.REJECTED
    assert failed(checks) == [failing]


def test_a_recycled_number_with_the_former_holders_document_is_the_former_holder() -> None:
    subject, checks = identify_subject(SEYDOU, SEYDOU_CARD, [NEW_HOLDER, FORMER], RECEIVED_ON)
    assert subject == FORMER and decide(checks) is Decision.VERIFIED


def test_a_recycled_number_with_the_new_holders_document_is_the_new_holder() -> None:
    awa = SubjectClaim(msisdn="+22370002000", full_name="Awa Konaté")
    card = _card("Awa Konaté", "NINA-AWA", date(1998, 12, 5))
    subject, checks = identify_subject(awa, card, [NEW_HOLDER, FORMER], RECEIVED_ON)
    assert subject == NEW_HOLDER and decide(checks) is Decision.VERIFIED


def test_a_former_holder_is_not_taken_for_the_new_holder_on_a_near_name() -> None:
    """The new holder's document never opens the former holder's record, nor the reverse:
    each is checked against their own name, birth date and NINA."""
    twin = NEW_HOLDER.model_copy(update={"full_name": "Seydou Sissoko"})
    subject, checks = identify_subject(SEYDOU, SEYDOU_CARD, [twin, FORMER], RECEIVED_ON)
    assert subject == FORMER and decide(checks) is Decision.VERIFIED


def test_a_stranger_on_a_recycled_number_is_rejected_against_the_number_s_holder() -> None:
    stranger = SubjectClaim(msisdn="+22370002000", full_name="Mariam Diarra")
    card = _card("Mariam Diarra", "NINA-OTHER", date(1960, 1, 1))
    subject, checks = identify_subject(stranger, card, [NEW_HOLDER, FORMER], RECEIVED_ON)
    assert subject == NEW_HOLDER and decide(checks) is Decision.REJECTED
    assert all("Konaté" not in (c.note or "") and "Sissoko" not in (c.note or "")
               for c in checks)


def test_a_former_holder_with_an_expired_document_is_told_only_that() -> None:
    expired = _card("Seydou Sissoko", "NINA-SEYDOU", date(1970, 5, 17),
                    expires_on=date(2026, 1, 1))
    subject, checks = identify_subject(SEYDOU, expired, [NEW_HOLDER, FORMER], RECEIVED_ON)
    assert subject == FORMER and failed(checks) == ["document_valid_on_receipt"]


def test_nobody_on_record_is_no_customer_found() -> None:
    subject, checks = identify_subject(SEYDOU, SEYDOU_CARD, [], RECEIVED_ON)
    assert subject is None and failed(checks) == ["customer_found"]
