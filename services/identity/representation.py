"""Rulebook §3.5: a company acts through a representative; anyone may act through a mandate.

The representative brings their own valid identity document and the mandate; the subject is
still checked against the CRM. A legal entity proves itself with its RCCM extract (or NIF).
"""

from __future__ import annotations

from datetime import date

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult
from contracts.intake import DocumentSummary, RepresentativeSummary
from contracts.vocabulary import DocumentKind
from services.identity.names import MATCH_TOLERANCE, name_distance

PERSON_DOCUMENTS = frozenset({DocumentKind.NINA_CARD, DocumentKind.PASSPORT,
                              DocumentKind.CONSULAR_CARD})
REPRESENTATIVE_DOCUMENTS = PERSON_DOCUMENTS | {DocumentKind.PROFESSIONAL_CARD}
ENTITY_DOCUMENTS = frozenset({DocumentKind.RCCM_EXTRACT})


def entity_checks(document: DocumentSummary, record: IdentityRecord,
                  representative: RepresentativeSummary | None) -> list[CheckResult]:
    registered = {n.replace(" ", "").upper() for n in (record.rccm, record.nif) if n}
    given = document.number.replace(" ", "").upper()
    return [
        _check("registration_number", given in registered,
               "the RCCM or NIF number does not match our records"),
        _check("representative_present", representative is not None,
               "a company's request must be made by its representative, with a mandate"),
    ]


def representative_checks(representative: RepresentativeSummary, record: IdentityRecord | None,
                          received_on: date) -> list[CheckResult]:
    document = representative.identity_document
    checks = [
        _check("representative_document",
               document is not None and document.kind in REPRESENTATIVE_DOCUMENTS
               and document.expires_on is not None and document.expires_on >= received_on,
               "the representative's identity document is missing, not accepted or expired"),
        _check("representative_name",
               document is not None and name_distance(document.holder_name,
                                                      representative.full_name)
               <= MATCH_TOLERANCE,
               "the representative's name does not match their document"),
        _check("mandate_provided", representative.mandate_sha256 is not None,
               "the mandate is missing or unreadable"),
    ]
    if record is not None and record.legal_entity:
        checks.append(_known_representative(representative, record))
    return checks


def _known_representative(representative: RepresentativeSummary,
                          record: IdentityRecord) -> CheckResult:
    known = record.representative
    if known is not None and name_distance(representative.full_name, known.full_name) \
            <= MATCH_TOLERANCE:
        return _check("representative_on_file", True, "")
    return CheckResult(check="representative_on_file", passed=False, inconclusive=True,
                       note="the person acting is not the representative on file: "
                            "a back-office operator must check the mandate")


def _check(name: str, passed: bool, note: str) -> CheckResult:
    return CheckResult(check=name, passed=passed, note=None if passed else note)
