"""The identity checks of rulebook §3.2, as pure functions, and the decision they lead to.

Each check says whether it passed and, if not, why, in words that never reveal what the
CRM holds (the requester may not be the subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult
from contracts.identity import IdentityFailure as F
from contracts.intake import DocumentSummary, RepresentativeSummary, SubjectClaim
from contracts.vocabulary import DocumentKind
from services.identity.mrz import parse_td3
from services.identity.names import (
    MATCH_TOLERANCE,
    REVIEW_TOLERANCE,
    mixes_scripts,
    name_distance,
)
from services.identity.representation import (
    ENTITY_DOCUMENTS,
    PERSON_DOCUMENTS,
    entity_checks,
    representative_checks,
)
from services.identity.results import check


class Decision(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    MANUAL_REVIEW = "manual_review"


def run_checks(
    claim: SubjectClaim,
    document: DocumentSummary,
    record: IdentityRecord | None,
    received_on: date,
    representative: RepresentativeSummary | None = None,
) -> list[CheckResult]:
    entity = record is not None and record.legal_entity
    accepted = ENTITY_DOCUMENTS if entity else PERSON_DOCUMENTS
    results = [
        check("document_accepted", document.kind in accepted, F.DOCUMENT_NOT_ACCEPTED),
        check("document_valid_on_receipt",
              document.expires_on is not None and document.expires_on >= received_on,
              F.DOCUMENT_EXPIRED),
    ]
    if document.mrz:
        results.append(_mrz_check(document))
    if representative is not None:
        results += representative_checks(representative, record, received_on)
    if record is None:
        return [*results, check("customer_found", False, F.CUSTOMER_NOT_FOUND)]
    results += [_name_check(claim, document, record),
                *_record_checks(claim, document, record, received_on)]
    if entity:
        results += entity_checks(document, record, representative)
    return results


def identify_subject(
    claim: SubjectClaim,
    document: DocumentSummary,
    records: Sequence[IdentityRecord],
    received_on: date,
    representative: RepresentativeSummary | None = None,
) -> tuple[IdentityRecord | None, list[CheckResult]]:
    """Which of the CRM's ``records`` the requester is, and the checks against that record.

    ``records`` are the number's holder on the receipt date first, then the former customers
    who held it before (number recycling): a former customer is checked against their own
    record, and the number's new holder is never taken for them. The first record the checks
    verify is the subject; else the first a person may decide; else the first with the fewest
    failed checks, whose failures the requester is told.
    """
    if not records:
        return None, run_checks(claim, document, None, received_on, representative)
    checked = [(record, run_checks(claim, document, record, received_on, representative))
               for record in records]
    return min(checked, key=lambda found: _rank(found[1]))


RANK = {Decision.VERIFIED: 0, Decision.MANUAL_REVIEW: 1, Decision.REJECTED: 2}


def _rank(checks: list[CheckResult]) -> tuple[int, int]:
    return RANK[decide(checks)], sum(not c.passed for c in checks)


def decide(checks: list[CheckResult]) -> Decision:
    failed = [c for c in checks if not c.passed]
    if not failed:
        return Decision.VERIFIED
    if all(c.inconclusive for c in failed):
        return Decision.MANUAL_REVIEW
    return Decision.REJECTED


def _name_check(claim: SubjectClaim, document: DocumentSummary,
                record: IdentityRecord) -> CheckResult:
    names = [claim.full_name] if record.legal_entity else [claim.full_name, document.holder_name]
    if any(mixes_scripts(name) for name in names):
        # look-alike letters would pass as typos: a person compares the document instead
        return check("holder_name", False, F.NAME_MIXES_SCRIPTS, inconclusive=True)
    distance = max(name_distance(name, record.full_name) for name in names)
    if distance <= MATCH_TOLERANCE:
        return check("holder_name", True, F.NAME_MISMATCH)
    close = distance <= REVIEW_TOLERANCE
    return check("holder_name", False, F.NAME_CLOSE if close else F.NAME_MISMATCH,
                 inconclusive=close)


def _record_checks(claim: SubjectClaim, document: DocumentSummary,
                   record: IdentityRecord, received_on: date) -> list[CheckResult]:
    birth = document.date_of_birth or claim.date_of_birth
    return [
        check("date_of_birth", record.date_of_birth is None or birth == record.date_of_birth,
              F.DATE_OF_BIRTH_MISMATCH),
        check("nina", _nina_agrees(claim, document, record), F.NINA_MISMATCH),
        _msisdn_check(record, received_on),
    ]


def _msisdn_check(record: IdentityRecord, received_on: date) -> CheckResult:
    """A customer's number is theirs on the receipt date; a former customer's, one they held
    during a period that ended by then (their contract has ended)."""
    if not record.former_customer:
        return check("msisdn_held_on_receipt", record.msisdn_held_on_receipt,
                     F.MSISDN_NOT_HELD)
    until = record.msisdn_held_until
    return check("msisdn_held_before_contract_ended",
                 until is not None and until.date() <= received_on, F.NUMBER_NEVER_HELD)


def _nina_agrees(claim: SubjectClaim, document: DocumentSummary,
                 record: IdentityRecord) -> bool:
    """Compared when both sides have one (a passport holder need not quote a NINA)."""
    given = _nina_given(claim, document)
    return record.nina is None or given is None or given == record.nina


def _nina_given(claim: SubjectClaim, document: DocumentSummary) -> str | None:
    if claim.nina:
        return claim.nina
    return document.number if document.kind is DocumentKind.NINA_CARD else None


def _mrz_check(document: DocumentSummary) -> CheckResult:
    mrz = parse_td3(document.mrz or "")
    agrees = (
        mrz is not None
        and mrz.digits_valid
        and mrz.number == document.number.replace(" ", "").upper()
        and (document.expires_on is None or mrz.expiry_date() == document.expires_on)
    )
    return check("passport_mrz", agrees, F.PASSPORT_MRZ_INVALID)
