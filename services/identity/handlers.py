"""Identity handlers: ask the CRM who the subject is, then decide."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from sqlalchemy import insert, select, update

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.identity import DocumentRequested, IdentityRejected, IdentityVerified
from contracts.intake import IdentityDocument, RequestDetails, RequestRegistered, SubjectClaim
from contracts.vocabulary import Store
from services.identity.checks import all_passed, run_checks
from services.identity.tables import verifications
from services.runtime.deps import Deps
from services.runtime.errors import Reject

AWAITING_CRM = "awaiting_crm"
MISSING_DOCUMENT = "la copie d'une pièce d'identité valide manque à la demande"


def start_verification(registered: RequestRegistered, deps: Deps) -> None:
    document = registered.identity_document
    row: dict[str, Any] = {
        "reference": registered.reference, "right": registered.right.value,
        "received_at": registered.received_at, "details": registered.details.model_dump(
            mode="json"), "updated_at": deps.now(),
    }
    if document is None:
        deps.db.execute(insert(verifications).values(outcome="document_requested", **row))
        deps.publish(DocumentRequested(reference=registered.reference, right=registered.right,
                                       reason=MISSING_DOCUMENT), subject=registered.reference)
        return
    claim = {"subject": registered.subject.model_dump(mode="json"),
             "document": document.model_dump(mode="json", exclude={"copy_base64"})}
    deps.db.execute(insert(verifications).values(
        outcome=AWAITING_CRM, document_kind=document.kind.value,
        document_sha256=document_digest(document), pending_claim=claim, **row))
    deps.publish(StoreCommand(
        command_id=f"{registered.reference}:identify", reference=registered.reference,
        store=Store.CRM, action=StoreAction.IDENTIFY,
        customer_code=registered.subject.customer_code, msisdn=registered.subject.msisdn,
        as_of=registered.received_at,
    ), subject=registered.reference)


def decide(result: StoreResult, deps: Deps) -> None:
    """The CRM answered: run the checks, publish the outcome, forget the claim."""
    row = deps.db.execute(
        select(verifications).where(verifications.c.reference == result.reference)
    ).first()
    if row is None:
        raise Reject(f"no verification is waiting for {result.reference}")
    if row.outcome != AWAITING_CRM:
        return
    if not result.ok:
        raise Reject(f"CRM could not identify the subject: {result.error}")
    claim = SubjectClaim.model_validate(row.pending_claim["subject"])
    document = IdentityDocument.model_validate(row.pending_claim["document"])
    checks = run_checks(claim, document, result.identity, row.received_at.date())
    verified = all_passed(checks) and result.identity is not None
    deps.db.execute(update(verifications).where(verifications.c.reference == result.reference)
                    .values(outcome="verified" if verified else "rejected",
                            customer_code=result.identity.customer_code if verified and
                            result.identity else None,
                            checks=[c.model_dump(mode="json") for c in checks],
                            pending_claim=None, updated_at=deps.now()))
    if verified and result.identity is not None:
        deps.publish(IdentityVerified(
            reference=result.reference, right=row.right,
            customer_code=result.identity.customer_code, document_kind=document.kind,
            document_sha256=row.document_sha256, checks=checks,
            details=RequestDetails.model_validate(row.details),
        ), subject=result.reference)
    else:
        deps.publish(IdentityRejected(reference=result.reference, right=row.right,
                                      checks=checks), subject=result.reference)


def document_digest(document: IdentityDocument) -> str:
    """SHA-256 of the copy; of the document's fields when no scan came with it."""
    if document.copy_base64:
        content = base64.b64decode(document.copy_base64, validate=False)
    else:
        content = document.model_dump_json(exclude={"copy_base64"}).encode()
    return hashlib.sha256(content).hexdigest()
