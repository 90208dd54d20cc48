"""Messages at the front door: what the call centre (or back office) submits, and the answers."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.envelope import Message
from contracts.vocabulary import (
    Category,
    Channel,
    DocumentKind,
    Msisdn,
    Purpose,
    Reference,
    Right,
)

MAX_DOCUMENT_BYTES = 2_000_000


class SubjectClaim(BaseModel):
    """Who the requester says the data subject is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    msisdn: Msisdn
    full_name: str = Field(min_length=2, max_length=200)
    customer_code: str | None = Field(default=None, max_length=40)
    nina: str | None = Field(default=None, max_length=40)
    date_of_birth: date | None = None


class IdentityDocument(BaseModel):
    """The copy of an identity document that must accompany every request (rulebook §3.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    number: str = Field(min_length=1, max_length=60)
    holder_name: str = Field(min_length=2, max_length=200)
    date_of_birth: date | None = None
    expires_on: date | None = None
    mrz: str | None = Field(default=None, max_length=200)
    copy_base64: str | None = Field(
        default=None,
        max_length=MAX_DOCUMENT_BYTES * 4 // 3 + 4,
        description="The scanned copy, base64; kept only until the identity decision",
    )


class DocumentSummary(BaseModel):
    """The document as it travels after intake: its fields and the SHA-256 of the copy.

    Intake hashes the scanned copy and drops it; the copy itself goes no further (rulebook
    §3.4, minimisation).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    number: str = Field(min_length=1, max_length=60)
    holder_name: str = Field(min_length=2, max_length=200)
    date_of_birth: date | None = None
    expires_on: date | None = None
    mrz: str | None = Field(default=None, max_length=200)
    copy_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class RequestDetails(BaseModel):
    """Right-specific details; every field is optional and only some rights read each."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: list[Category] = Field(
        default_factory=list, description="Categories targeted; empty means all"
    )
    corrections: dict[str, str] = Field(
        default_factory=dict, description="rectification: field name -> new value"
    )
    purposes: list[Purpose] = Field(
        default_factory=list,
        description="objection: the processing purposes objected to; empty means every "
        "marketing purpose (an unknown purpose is rejected at intake)",
    )
    statement: str | None = Field(
        default=None, max_length=2000, description="the customer's own words"
    )


class Representative(BaseModel):
    """A person acting for the subject (a mandataire, or the representative of a company).

    They bring their own identity document and the mandate (rulebook §3.5).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: str = Field(min_length=2, max_length=200)
    identity_document: IdentityDocument
    mandate_base64: str | None = Field(default=None, max_length=MAX_DOCUMENT_BYTES * 4 // 3 + 4)


class RepresentativeSummary(BaseModel):
    """The representative after intake: the mandate and document copies hashed and dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: str
    identity_document: DocumentSummary | None
    mandate_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class RequestSubmitted(Message):
    message_type: ClassVar[str] = "intake.request.submitted.v1"
    summary: ClassVar[str] = "A channel (call centre 7400, postal, shop, e-mail) submits a request"

    channel: Channel
    channel_reference: str = Field(min_length=1, max_length=120)
    received_at: AwareDatetime
    right: Right
    subject: SubjectClaim
    identity_document: IdentityDocument | None
    representative: Representative | None = None
    details: RequestDetails = Field(default_factory=RequestDetails)


class FieldProblem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    problem: str


class RequestRejected(Message):
    message_type: ClassVar[str] = "intake.request.rejected.v1"
    summary: ClassVar[str] = "An intake could not be accepted; says which field and why"

    channel_reference: str | None
    problems: list[FieldProblem]


class RequestRegistered(Message):
    message_type: ClassVar[str] = "intake.request.registered.v1"
    summary: ClassVar[str] = "A request was registered with its reference and legal due date"

    reference: Reference
    right: Right
    channel: Channel
    channel_reference: str
    received_at: AwareDatetime
    due_on: date
    target_on: date
    subject: SubjectClaim
    identity_document: DocumentSummary | None
    representative: RepresentativeSummary | None = None
    details: RequestDetails


class DocumentSubmitted(Message):
    message_type: ClassVar[str] = "intake.document.submitted.v1"
    summary: ClassVar[str] = "The identity document asked for arrives for an existing request"

    reference: Reference
    channel: Channel
    received_at: AwareDatetime
    identity_document: IdentityDocument


class DocumentRegistered(Message):
    message_type: ClassVar[str] = "intake.document.registered.v1"
    summary: ClassVar[str] = "Intake accepted a late identity document (copy hashed, dropped)"

    reference: Reference
    identity_document: DocumentSummary


class WithdrawalSubmitted(Message):
    message_type: ClassVar[str] = "intake.request.withdrawal-submitted.v1"
    summary: ClassVar[str] = "The subject withdraws a request that has not completed"

    reference: Reference
    channel: Channel
    received_at: AwareDatetime
