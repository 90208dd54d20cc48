"""Rulebook §3.5: a company acts through a representative; anyone may act through a mandate.

The representative brings their own valid identity document and the mandate; the subject is
still checked against the CRM. A legal entity proves itself with its RCCM extract (or NIF).
"""

from __future__ import annotations

from datetime import date

from contracts.backoffice import IdentityRecord
from contracts.identity import CheckResult
from contracts.identity import IdentityFailure as F
from contracts.intake import DocumentSummary, RepresentativeSummary
from contracts.vocabulary import DocumentKind
from services.identity.names import MATCH_TOLERANCE, name_distance
from services.identity.results import check

PERSON_DOCUMENTS = frozenset({DocumentKind.NINA_CARD, DocumentKind.PASSPORT,
                              DocumentKind.CONSULAR_CARD})
REPRESENTATIVE_DOCUMENTS = PERSON_DOCUMENTS | {DocumentKind.PROFESSIONAL_CARD}
ENTITY_DOCUMENTS = frozenset({DocumentKind.RCCM_EXTRACT})


def entity_checks(document: DocumentSummary, record: IdentityRecord,
                  representative: RepresentativeSummary | None) -> list[CheckResult]:
    registered = {n.replace(" ", "").upper() for n in (record.rccm, record.nif) if n}
    given = document.number.replace(" ", "").upper()
    return [
        check("registration_number", given in registered, F.REGISTRATION_NUMBER_MISMATCH),
        check("representative_present", representative is not None, F.REPRESENTATIVE_MISSING),
    ]


def representative_checks(representative: RepresentativeSummary, record: IdentityRecord | None,
                          received_on: date) -> list[CheckResult]:
    document = representative.identity_document
    checks = [
        check("representative_document",
              document is not None and document.kind in REPRESENTATIVE_DOCUMENTS
              and document.expires_on is not None and document.expires_on >= received_on,
              F.REPRESENTATIVE_DOCUMENT_INVALID),
        check("representative_name",
              document is not None and name_distance(document.holder_name,
                                                     representative.full_name)
              <= MATCH_TOLERANCE,
              F.REPRESENTATIVE_NAME_MISMATCH),
        check("mandate_provided", representative.mandate_sha256 is not None,
              F.MANDATE_MISSING),
    ]
    if record is not None and record.legal_entity:
        checks.append(_known_representative(representative, record))
    return checks


def _known_representative(representative: RepresentativeSummary,
                          record: IdentityRecord) -> CheckResult:
    known = record.representative
    on_file = known is not None and name_distance(representative.full_name,
                                                  known.full_name) <= MATCH_TOLERANCE
    return check("representative_on_file", on_file, F.REPRESENTATIVE_NOT_ON_FILE,
                 inconclusive=True)
