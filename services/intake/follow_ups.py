"""What a subject sends after the request: a late identity document, or a withdrawal."""

from __future__ import annotations

from contracts.intake import DocumentRegistered, DocumentSubmitted, WithdrawalSubmitted
from contracts.status import RequestWithdrawn
from contracts.vocabulary import RequestState
from services.intake import registry
from services.intake.documents import summarise
from services.intake.progress import advance
from services.runtime.deps import Deps
from services.runtime.errors import Reject


def register_document(submitted: DocumentSubmitted, deps: Deps) -> None:
    row = registry.get(deps.db, submitted.reference)
    if row is None:
        raise Reject(f"no request {submitted.reference}: the document cannot be attached")
    if RequestState(row["state"]) is not RequestState.DOCUMENT_REQUESTED:
        return
    summary = summarise(submitted.identity_document)
    if summary is None:
        raise Reject(f"{submitted.reference}: the document's copy is missing or unreadable")
    deps.publish(DocumentRegistered(reference=submitted.reference, identity_document=summary,
                                    submitted_by=submitted.submitted_by),
                 subject=submitted.reference)


def withdraw(submitted: WithdrawalSubmitted, deps: Deps) -> None:
    row = registry.get(deps.db, submitted.reference)
    if row is None:
        raise Reject(f"no request {submitted.reference} to withdraw")
    if RequestState(row["state"]).is_final:
        return
    advance(deps, submitted.reference, RequestState.WITHDRAWN, "withdrawn by the subject")
    deps.publish(RequestWithdrawn(reference=submitted.reference, right=row["right"],
                                  withdrawn_at=submitted.received_at),
                 subject=submitted.reference)
