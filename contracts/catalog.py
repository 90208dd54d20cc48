"""Every message of the contract, for schema and AsyncAPI generation."""

from __future__ import annotations

from contracts.backoffice import StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.envelope import Message
from contracts.fulfilment import FulfilmentCompleted, FulfilmentFailed
from contracts.identity import DocumentRequested, IdentityRejected, IdentityVerified
from contracts.intake import RequestRegistered, RequestRejected, RequestSubmitted
from contracts.notification import NotificationSent
from contracts.status import StatusChanged, StatusQuery, StatusReply

MESSAGES: tuple[type[Message], ...] = (
    RequestSubmitted,
    RequestRejected,
    RequestRegistered,
    StatusChanged,
    StatusQuery,
    StatusReply,
    IdentityVerified,
    IdentityRejected,
    DocumentRequested,
    DiscoveryCompleted,
    FulfilmentCompleted,
    FulfilmentFailed,
    NotificationSent,
    StoreCommand,
    StoreResult,
)
