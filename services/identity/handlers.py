"""Identity handlers: ask the CRM who the subject is, run the checks, decide.

Outcomes: ``verified`` (the only door to discovery), ``rejected``, ``document_requested``
(a late ``intake.document.registered.v1`` resumes it) and ``manual_review`` (see review.py).
Once decided, only the outcome, the checks, the document kind and the copy's SHA-256 remain.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.identity import (
    CheckResult,
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
    ReviewRequested,
    VerifiedDocument,
)
from contracts.intake import (
    DocumentRegistered,
    DocumentSummary,
    RepresentativeSummary,
    RequestDetails,
    RequestRegistered,
    SubjectClaim,
)
from contracts.vocabulary import Right, Store
from services.identity.checks import Decision, decide, identify_subject
from services.identity.repository import VERIFICATIONS
from services.runtime.deps import Deps
from services.runtime.errors import Reject

AWAITING_CRM = "awaiting_crm"
DOCUMENT_REQUESTED = "document_requested"
MISSING_DOCUMENT = "la copie d'une pièce d'identité valide manque ou est illisible"


def start_verification(registered: RequestRegistered, deps: Deps) -> None:
    VERIFICATIONS.add(
        deps.db, reference=registered.reference, right=registered.right.value,
        received_at=registered.received_at, due_on=registered.due_on,
        outcome=DOCUMENT_REQUESTED,
        pending_claim={"subject": registered.subject.model_dump(mode="json"),
                       "representative": registered.representative.model_dump(mode="json")
                       if registered.representative else None},
        details=registered.details.model_dump(mode="json"), updated_at=deps.now())
    if registered.identity_document is None:
        deps.publish(DocumentRequested(reference=registered.reference, right=registered.right,
                                       reason=MISSING_DOCUMENT), subject=registered.reference)
        return
    _ask_crm(deps, load(deps, registered.reference), registered.identity_document)


def resume_with_document(registered: DocumentRegistered, deps: Deps) -> None:
    """The document asked for has arrived: verify as if it had come with the request."""
    row = load(deps, registered.reference)
    if row.outcome == DOCUMENT_REQUESTED:
        _ask_crm(deps, row, registered.identity_document)


def check_against_crm(result: StoreResult, deps: Deps) -> None:
    """The CRM answered: run the checks and publish the outcome."""
    row = load(deps, result.reference)
    if row.outcome != AWAITING_CRM or row.command_id != result.command_id:
        return
    if not result.ok:
        raise Reject(f"CRM could not identify the subject: {result.error}")
    claim = SubjectClaim.model_validate(row.pending_claim["subject"])
    document = DocumentSummary.model_validate(row.pending_claim["document"])
    representative = row.pending_claim.get("representative")
    records = [r for r in (result.identity, *result.former_holders) if r is not None]
    subject, checks = identify_subject(claim, document, records, row.received_at.date(),
                                       RepresentativeSummary.model_validate(representative)
                                       if representative else None)
    decision = decide(checks)
    code = subject.customer_code if subject else None
    if decision is Decision.MANUAL_REVIEW:
        record(deps, row, Decision.MANUAL_REVIEW.value, checks, customer_code=code)
        reason = "; ".join(c.note or c.check for c in checks if c.inconclusive)
        deps.publish(ReviewRequested(reference=row.reference, right=row.right, checks=checks,
                                     reason=reason), subject=row.reference)
    else:
        conclude(deps, row, checks, code if decision is Decision.VERIFIED else None)


def conclude(deps: Deps, row: Row[Any], checks: list[CheckResult],
             customer_code: str | None) -> None:
    """Verified with a customer code, else rejected; the claim is forgotten either way."""
    if customer_code is None:
        record(deps, row, Decision.REJECTED.value, checks, pending_claim=None)
        deps.publish(IdentityRejected(reference=row.reference, right=row.right, checks=checks),
                     subject=row.reference)
        return
    record(deps, row, Decision.VERIFIED.value, checks, customer_code=customer_code,
           pending_claim=None)
    deps.publish(IdentityVerified(
        reference=row.reference, right=row.right, customer_code=customer_code,
        document_kind=row.document_kind, document_sha256=row.document_sha256, checks=checks,
        details=RequestDetails.model_validate(row.details), document=_proof(row),
    ), subject=row.reference)


def _proof(row: Row[Any]) -> VerifiedDocument | None:
    """What the verified document shows, for a rectification only: fulfilment weighs the
    identity corrections against it. Other rights never carry the document's fields."""
    summary = (row.pending_claim or {}).get("document")
    if Right(row.right) is not Right.RECTIFICATION or summary is None:
        return None
    document = DocumentSummary.model_validate(summary)
    return VerifiedDocument(kind=document.kind, number=document.number,
                            holder_name=document.holder_name,
                            date_of_birth=document.date_of_birth)


def _ask_crm(deps: Deps, row: Row[Any], document: DocumentSummary) -> None:
    claim = SubjectClaim.model_validate(row.pending_claim["subject"])
    command_id = f"{row.reference}:identify:{document.copy_sha256[:16]}"
    VERIFICATIONS.update(deps.db, row.reference, outcome=AWAITING_CRM, command_id=command_id,
                         document_kind=document.kind.value,
                         document_sha256=document.copy_sha256,
                         pending_claim={**row.pending_claim,
                                        "document": document.model_dump(mode="json")},
                         updated_at=deps.now())
    deps.publish(StoreCommand(
        command_id=command_id, reference=row.reference, store=Store.CRM,
        action=StoreAction.IDENTIFY, customer_code=claim.customer_code, msisdn=claim.msisdn,
        as_of=row.received_at,
    ), subject=row.reference)


def load(deps: Deps, reference: str) -> Row[Any]:
    """The request's verification, locked: a document, a CRM answer and a review decision
    about one request, handled by two replicas at once, take turns."""
    return VERIFICATIONS.get(deps.db, reference, lock=True)


def record(deps: Deps, row: Row[Any], outcome: str, checks: list[CheckResult] | None,
           **values: Any) -> None:
    if checks is not None:
        values["checks"] = [c.model_dump(mode="json") for c in checks]
    VERIFICATIONS.update(deps.db, row.reference, outcome=outcome, updated_at=deps.now(),
                         **values)
