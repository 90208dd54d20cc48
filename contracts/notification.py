"""Messages sent to the customer (rulebook §8)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

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
