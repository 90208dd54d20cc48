"""Messages at the front door: what the call centre (or back office) submits, and the answers."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.corrections import Corrections
from contracts.envelope import Message
from contracts.text import (
    AddressLine,
    Base64Copy,
    ChannelReference,
    CustomerCode,
    DocumentNumber,
    Mrz,
    Nina,
    OperatorName,
    PersonName,
    Sha256,
    Statement,
)
from contracts.times import Day, ReceiptTime, Time
from contracts.vocabulary import (
    Category,
    Channel,
    DocumentKind,
    Msisdn,
    Purpose,
    Reference,
    Right,
)


class SubjectClaim(BaseModel):
    """Who the requester says the data subject is."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    msisdn: Msisdn
    full_name: PersonName
    customer_code: CustomerCode | None = None
    nina: Nina | None = None
    date_of_birth: Day | None = None


class IdentityDocument(BaseModel):
    """The copy of an identity document that must accompany every request (rulebook §3.1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    number: DocumentNumber
    holder_name: PersonName
    date_of_birth: Day | None = None
    expires_on: Day | None = None
    mrz: Mrz | None = None
    copy_base64: Base64Copy | None = Field(
        default=None,
        description="The scanned copy, base64; kept only until the identity decision",
    )


class DocumentSummary(BaseModel):
    """The document as it travels after intake: its fields and the SHA-256 of the copy.

    Intake hashes the scanned copy and drops it; the copy itself goes no further (rulebook
    §3.4, minimisation).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: DocumentKind
    number: DocumentNumber
    holder_name: PersonName
    date_of_birth: Day | None = None
    expires_on: Day | None = None
    mrz: Mrz | None = None
    copy_sha256: Sha256


class RequestDetails(BaseModel):
    """Right-specific details; every field is optional and only some rights read each."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: list[Category] = Field(
        default_factory=list, description="Categories targeted; empty means all"
    )
    corrections: Corrections = Field(
        default_factory=Corrections,
        description="rectification: the fields to correct and their new values; a field "
        "the contract does not define is rejected at intake",
    )
    purposes: list[Purpose] = Field(
        default_factory=list,
        description="objection: the processing purposes objected to; empty means every "
        "marketing purpose (an unknown purpose is rejected at intake)",
    )
    statement: Statement | None = Field(
        default=None, description="the customer's own words"
    )


class Representative(BaseModel):
    """A person acting for the subject (a mandataire, or the representative of a company).

    They bring their own identity document and the mandate (rulebook §3.5).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: PersonName
    identity_document: IdentityDocument
    mandate_base64: Base64Copy | None = None


class RepresentativeSummary(BaseModel):
    """The representative after intake: the mandate and document copies hashed and dropped."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    full_name: PersonName
    identity_document: DocumentSummary | None
    mandate_sha256: Sha256 | None = None


ReturnAddress = Annotated[list[AddressLine], Field(min_length=1, max_length=6)]


class RequestSubmitted(Message):
    message_type: ClassVar[str] = "intake.request.submitted.v1"
    summary: ClassVar[str] = "A channel (call centre 7400, postal, shop, e-mail) submits a request"

    channel: Channel
    channel_reference: ChannelReference
    received_at: ReceiptTime
    right: Right
    subject: SubjectClaim
    identity_document: IdentityDocument | None
    representative: Representative | None = None
    details: RequestDetails = Field(default_factory=RequestDetails)
    return_address: ReturnAddress | None = Field(
        default=None, description="a letter's return address, as written on it (postal "
        "channel): where the acknowledgement goes before identity is verified")

    @model_validator(mode="after")
    def _return_address_from_a_letter(self) -> RequestSubmitted:
        if self.return_address is not None and self.channel is not Channel.POSTAL:
            raise ValueError("return_address is read from a letter: only a postal request has "
                             "one (a contact quoted on a call is never written to)")
        return self


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
    channel_reference: ChannelReference
    received_at: Time
    due_on: Day
    target_on: Day
    subject: SubjectClaim
    identity_document: DocumentSummary | None
    representative: RepresentativeSummary | None = None
    details: RequestDetails
    return_address: ReturnAddress | None = None


class DocumentSubmitted(Message):
    message_type: ClassVar[str] = "intake.document.submitted.v1"
    summary: ClassVar[str] = "The identity document asked for arrives for an existing request"

    reference: Reference
    channel: Channel
    received_at: ReceiptTime
    identity_document: IdentityDocument
    submitted_by: OperatorName | None = Field(
        default=None, description="the staff member who attached it (back office); absent "
        "when the customer's channel sent it")


class DocumentRegistered(Message):
    message_type: ClassVar[str] = "intake.document.registered.v1"
    summary: ClassVar[str] = "Intake accepted a late identity document (copy hashed, dropped)"

    reference: Reference
    identity_document: DocumentSummary
    submitted_by: OperatorName | None = Field(
        default=None, description="the staff member who attached it, as submitted")


class WithdrawalSubmitted(Message):
    message_type: ClassVar[str] = "intake.request.withdrawal-submitted.v1"
    summary: ClassVar[str] = "The subject withdraws a request that has not completed"

    reference: Reference
    channel: Channel
    received_at: ReceiptTime
