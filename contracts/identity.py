"""Identity verification outcomes (rulebook §3)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import Message
from contracts.intake import RequestDetails
from contracts.text import OperatorName, Reason
from contracts.times import Day
from contracts.vocabulary import DocumentKind, Reference, Right

MANUAL_REVIEW_CHECK = "manual_review"


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    passed: bool
    inconclusive: bool = Field(default=False,
                               description="failed, but close enough that a person must decide")
    note: str | None = Field(default=None, description="Why it failed; never reveals CRM data")


class IdentityVerified(Message):
    message_type: ClassVar[str] = "identity.verified.v1"
    summary: ClassVar[str] = "The subject's identity is verified; data may now be revealed"

    reference: Reference
    right: Right
    customer_code: str
    document_kind: DocumentKind
    document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    checks: list[CheckResult]
    details: RequestDetails

    def checks_support_verification(self) -> bool:
        """Every check passed, or the only failures were inconclusive and a person approved."""
        failed = [c for c in self.checks if not c.passed]
        reviewed = any(c.check == MANUAL_REVIEW_CHECK and c.passed for c in self.checks)
        return bool(self.checks) and (not failed or (reviewed and all(
            c.inconclusive for c in failed)))


class IdentityRejected(Message):
    message_type: ClassVar[str] = "identity.rejected.v1"
    summary: ClassVar[str] = "A check failed; the request is closed without revealing data"

    reference: Reference
    right: Right
    checks: list[CheckResult]


class DocumentRequested(Message):
    message_type: ClassVar[str] = "identity.document-requested.v1"
    summary: ClassVar[str] = "The identity document is missing or unreadable; the customer is asked"

    reference: Reference
    right: Right
    reason: str


class ReviewRequested(Message):
    message_type: ClassVar[str] = "identity.review-requested.v1"
    summary: ClassVar[str] = "The checks are inconclusive; a back-office operator must decide"

    reference: Reference
    right: Right
    reason: str
    checks: list[CheckResult]


class ReviewDecided(Message):
    message_type: ClassVar[str] = "identity.review-decided.v1"
    summary: ClassVar[str] = "A back-office operator's decision on a manual review"

    reference: Reference
    approved: bool
    reviewer: OperatorName
    reason: Reason


class DocumentReminderDue(Message):
    message_type: ClassVar[str] = "identity.document-reminder-due.v1"
    summary: ClassVar[str] = "The document is still missing after the reminder delay"

    reference: Reference
    close_on: Day
