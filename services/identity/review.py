"""A back-office operator's decision on a manual review, and withdrawal of a request."""

from __future__ import annotations

from contracts.identity import MANUAL_REVIEW_CHECK, CheckResult, IdentityFailure, ReviewDecided
from contracts.status import RequestWithdrawn
from services.identity.checks import Decision
from services.identity.handlers import AWAITING_CRM, DOCUMENT_REQUESTED, conclude, load, record
from services.identity.results import check
from services.runtime.deps import Deps

UNDECIDED = {AWAITING_CRM, DOCUMENT_REQUESTED, Decision.MANUAL_REVIEW.value}


def apply_review(decided: ReviewDecided, deps: Deps) -> None:
    row = load(deps, decided.reference)
    if row.outcome != Decision.MANUAL_REVIEW.value:
        return
    checks = [CheckResult.model_validate(c) for c in row.checks or []]
    review = check(MANUAL_REVIEW_CHECK, decided.approved, IdentityFailure.REVIEW_NOT_CONFIRMED)
    conclude(deps, row, [*checks, review], row.customer_code if decided.approved else None)


def stop_on_withdrawal(withdrawn: RequestWithdrawn, deps: Deps) -> None:
    row = load(deps, withdrawn.reference)
    if row.outcome in UNDECIDED:
        record(deps, row, "withdrawn", None, pending_claim=None, command_id=None)
