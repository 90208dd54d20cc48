"""Messages sent to the customer (rulebook §8)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import Message
from contracts.times import Time
from contracts.vocabulary import Reference


class NotificationKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    DOCUMENT_REQUESTED = "document_requested"
    REMINDER = "reminder"
    WITHDRAWAL_CONFIRMED = "withdrawal_confirmed"
    IDENTITY_NOT_VERIFIED = "identity_not_verified"
    OUTCOME = "outcome"
    PACKAGE_CODE = "package_code"
    RECIPIENT_NOTICE = "recipient_notice"
    RESTRICTION_LIFT_NOTICE = "restriction_lift_notice"
    FAILURE = "failure"


class Medium(StrEnum):
    SMS = "sms"
    LETTER = "letter"
    EMAIL = "email"


TASK_QUEUES = {Medium.SMS: "delivery.sms", Medium.EMAIL: "delivery.email",
               Medium.LETTER: "delivery.post"}
"""The dramatiq queue (on ``dsr.tasks``) of each medium's delivery actor."""
TASK_ACTORS = {Medium.SMS: "deliver_sms", Medium.EMAIL: "deliver_email",
               Medium.LETTER: "deliver_letter"}


class NotificationSent(Message):
    message_type: ClassVar[str] = "notification.sent.v1"
    summary: ClassVar[str] = "A message was handed to the SMS, e-mail or postal gateway"

    reference: Reference
    kind: NotificationKind
    medium: Medium
    parts: int = Field(ge=1)


class PackageDestroyed(Message):
    message_type: ClassVar[str] = "notification.package-destroyed.v1"
    summary: ClassVar[str] = ("An access package (and any leftover export) was deleted once "
                              "its expiry passed")

    reference: Reference
    expired_at: Time
    destroyed_at: Time


class DeliveryState(StrEnum):
    """Where a notice stands with its gateway (SMSC, SMTP relay, print room)."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    EXPIRED = "expired"


class DeliveryUpdated(Message):
    message_type: ClassVar[str] = "notification.delivery-updated.v1"
    summary: ClassVar[str] = ("A notice changed state with its gateway: sent (the SMSC, relay or "
                              "print room accepted it), delivered, failed or expired")

    reference: Reference
    notice_id: str = Field(max_length=60)
    kind: NotificationKind
    medium: Medium
    state: DeliveryState
    gateway_id: str | None = Field(default=None, max_length=120,
                                   description="the gateway's message id (SMSC message_id, "
                                   "Message-ID, print-room file)")
    reason: str | None = Field(default=None, max_length=300)
    confirmed_by: str | None = Field(default=None, max_length=80,
                                     description="who in the mail room confirmed a letter "
                                     "posted (its login)")
    at: Time


class CallMade(Message):
    message_type: ClassVar[str] = "notification.call-made.v1"
    summary: ClassVar[str] = ("The call centre phoned the customer about what its list held for "
                              "a request (a held or undeliverable notice): read out, so given")

    reference: Reference
    kinds: list[NotificationKind] = Field(min_length=1, max_length=len(NotificationKind))
    called_by: str = Field(min_length=1, max_length=80, description="the agent's login")
    note: str = Field(default="", max_length=300)
    at: Time


class NoticeStatus(BaseModel):
    """One notice as the status reply lists it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: NotificationKind
    medium: Medium
    state: DeliveryState
    at: Time


class NoticeTask(BaseModel):
    """A notice handed to the delivery worker (a dramatiq task, not an event): everything the
    gateway needs, so the delivery worker reads no other worker's tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice_id: str = Field(max_length=60, description="<reference>/<notification's row id>")
    reference: Reference
    kind: NotificationKind
    medium: Medium
    recipient: str = Field(max_length=620, description="an MSISDN, an e-mail address, or a "
                           "postal address block")
    subject: str = Field(default="", max_length=200)
    body: str = Field(max_length=20_000)
    document: str | None = Field(default=None, max_length=200,
                                 description="the PDF, relative to the data directory")
