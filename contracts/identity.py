"""Identity verification outcomes (rulebook §3)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.envelope import Message
from contracts.intake import RequestDetails
from contracts.text import DocumentNumber, OperatorName, PersonName, Reason
from contracts.times import Day
from contracts.vocabulary import DocumentKind, Reference, Right

MANUAL_REVIEW_CHECK = "manual_review"


class IdentityFailure(StrEnum):
    """Why an identity check failed, as a code: the customer's letter words each in French
    (notification), staff read the check's English ``note``. Never reveals CRM data."""

    DOCUMENT_NOT_ACCEPTED = "document_not_accepted"
    DOCUMENT_EXPIRED = "document_expired"
    DOCUMENT_NOT_RECEIVED = "document_not_received"
    PASSPORT_MRZ_INVALID = "passport_mrz_invalid"
    CUSTOMER_NOT_FOUND = "customer_not_found"
    NAME_CLOSE = "name_close"
    NAME_MISMATCH = "name_mismatch"
    NAME_MIXES_SCRIPTS = "name_mixes_scripts"
    DATE_OF_BIRTH_MISMATCH = "date_of_birth_mismatch"
    NINA_MISMATCH = "nina_mismatch"
    MSISDN_NOT_HELD = "msisdn_not_held"
    NUMBER_NEVER_HELD = "number_never_held"
    REGISTRATION_NUMBER_MISMATCH = "registration_number_mismatch"
    REPRESENTATIVE_MISSING = "representative_missing"
    REPRESENTATIVE_DOCUMENT_INVALID = "representative_document_invalid"
    REPRESENTATIVE_NAME_MISMATCH = "representative_name_mismatch"
    REPRESENTATIVE_NOT_ON_FILE = "representative_not_on_file"
    MANDATE_MISSING = "mandate_missing"
    REVIEW_NOT_CONFIRMED = "review_not_confirmed"


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    check: str
    passed: bool
    inconclusive: bool = Field(default=False,
                               description="failed, but close enough that a person must decide")
    failure: IdentityFailure | None = Field(
        default=None, description="why it failed (required when it failed, else absent)")
    note: str | None = Field(default=None, description="Why it failed, for staff (English); "
                             "never reveals CRM data")

    @model_validator(mode="after")
    def _a_failure_has_its_code(self) -> CheckResult:
        if self.passed == (self.failure is not None):
            raise ValueError("a failed check carries its failure code, a passed one none")
        return self


class VerifiedDocument(BaseModel):
    """What the verified identity document shows: the only proof a rectification of a name,
    a date of birth, a NINA or an RCCM number may rest on (rulebook §6)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    number: DocumentNumber = Field(description="the NINA on a NINA card, the RCCM number on "
                                   "an RCCM extract, else the document's own number")
    holder_name: PersonName
    date_of_birth: Day | None = None


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
    document: VerifiedDocument | None = Field(
        default=None, description="rectification only: the verified document's fields, "
        "against which fulfilment weighs each identity correction")

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
