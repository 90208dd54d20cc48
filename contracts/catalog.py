"""Every message of the contract, for schema and AsyncAPI generation."""

from __future__ import annotations

from contracts.backoffice import StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.envelope import Message
from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentRetried,
    FulfilmentReviewDecided,
)
from contracts.identity import (
    DocumentReminderDue,
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
    ReviewDecided,
    ReviewRequested,
)
from contracts.intake import (
    DocumentRegistered,
    DocumentSubmitted,
    RequestRegistered,
    RequestRejected,
    RequestSubmitted,
    WithdrawalSubmitted,
)
from contracts.notification import (
    CallMade,
    DeliveryUpdated,
    NotificationSent,
    PackageDestroyed,
)
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.status import (
    ClockTicked,
    DeadLetterRedriven,
    DeadlineBreached,
    DeadlineEscalated,
    QueryRefused,
    RequestWithdrawn,
    StatusChanged,
    StatusQuery,
    StatusReply,
)

MESSAGES: tuple[type[Message], ...] = (
    RequestSubmitted,
    RequestRejected,
    RequestRegistered,
    DocumentSubmitted,
    DocumentRegistered,
    WithdrawalSubmitted,
    RequestWithdrawn,
    StatusChanged,
    StatusQuery,
    StatusReply,
    QueryRefused,
    IdentityVerified,
    IdentityRejected,
    DocumentRequested,
    ReviewRequested,
    ReviewDecided,
    DocumentReminderDue,
    ClockTicked,
    DeadlineEscalated,
    DeadlineBreached,
    DiscoveryCompleted,
    DiscoveryFailed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentReviewDecided,
    FulfilmentRetried,
    FulfilmentClosed,
    NotificationSent,
    DeliveryUpdated,
    CallMade,
    PackageDestroyed,
    RestrictionLiftRequested,
    RestrictionLiftAnnounced,
    RestrictionLiftNotified,
    RestrictionLifted,
    DeadLetterRedriven,
    StoreCommand,
    StoreResult,
)
