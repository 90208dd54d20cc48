"""The identity checks of rulebook §3.2, as one pure function.

Each check says whether it passed and, if not, why, in words that never reveal what the
CRM holds (the requester may not be the subject).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult
from contracts.intake import IdentityDocument, SubjectClaim
from contracts.vocabulary import DocumentKind
from services.identity.mrz import parse_td3
from services.identity.names import names_match

ACCEPTED_DOCUMENTS = frozenset(DocumentKind)


def run_checks(
    claim: SubjectClaim,
    document: IdentityDocument,
    record: IdentityRecord | None,
    received_on: date,
    accepted: frozenset[DocumentKind] = ACCEPTED_DOCUMENTS,
) -> list[CheckResult]:
    results = [
        _check("document_accepted", document.kind in accepted, "this kind of document is "
               "not accepted"),
        _check("document_valid_on_receipt",
               document.expires_on is not None and document.expires_on >= received_on,
               "the document had expired, or has no expiry date, on the day of receipt"),
    ]
    if document.mrz:
        results.append(_mrz_check(document))
    if record is None:
        return [*results, _check("customer_found", False, "no customer matches the details given")]
    return results + _record_checks(claim, document, record)


def _record_checks(
    claim: SubjectClaim, document: IdentityDocument, record: IdentityRecord
) -> list[CheckResult]:
    birth = document.date_of_birth or claim.date_of_birth
    checks: list[tuple[str, Callable[[], bool], str]] = [
        ("holder_name", lambda: names_match(document.holder_name, record.full_name)
         and names_match(claim.full_name, record.full_name),
         "the name on the document does not match our records"),
        ("date_of_birth", lambda: record.date_of_birth is None or birth == record.date_of_birth,
         "the date of birth does not match our records"),
        ("nina", lambda: record.nina is None or _nina_given(claim, document) == record.nina,
         "the NINA does not match our records"),
        ("msisdn_held_on_receipt", lambda: record.msisdn_held_on_receipt,
         "the number given did not belong to this customer on the day of receipt"),
    ]
    return [_check(name, test(), note) for name, test, note in checks]


def _nina_given(claim: SubjectClaim, document: IdentityDocument) -> str | None:
    if claim.nina:
        return claim.nina
    return document.number if document.kind is DocumentKind.NINA_CARD else None


def _mrz_check(document: IdentityDocument) -> CheckResult:
    mrz = parse_td3(document.mrz or "")
    agrees = (
        mrz is not None
        and mrz.digits_valid
        and mrz.number == document.number.replace(" ", "").upper()
        and (document.expires_on is None or mrz.expiry_date() == document.expires_on)
    )
    return _check("passport_mrz", agrees, "the passport's machine-readable zone is invalid or "
                  "disagrees with the document")


def _check(name: str, passed: bool, note: str) -> CheckResult:
    return CheckResult(check=name, passed=passed, note=None if passed else note)


def all_passed(checks: list[CheckResult]) -> bool:
    return all(c.passed for c in checks)
