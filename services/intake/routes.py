"""What the intake worker consumes, and which handler takes each message."""

from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentRetried,
)
from contracts.identity import (
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
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
from contracts.notification import CallMade, DeliveryUpdated, NotificationSent
from contracts.status import (
    ClockTicked,
    DeadlineBreached,
    DeadlineEscalated,
    RequestWithdrawn,
    StatusChanged,
    StatusQuery,
    StatusReply,
)
from services.intake import deadline_monitor, follow_ups, handlers, progress
from services.intake.tables import metadata
from services.runtime.routing import Worker, on, publishes

WORKER = Worker(
    name="intake",
    tables=metadata,
    on_invalid=handlers.reject_invalid_intake,
    publishes=publishes(RequestRegistered, RequestRejected, DocumentRegistered, RequestWithdrawn,
                        StatusChanged, DeadlineEscalated, DeadlineBreached),
    routes=(
        on(RequestSubmitted, handlers.register_request),
        on(DocumentSubmitted, follow_ups.register_document),
        on(WithdrawalSubmitted, follow_ups.withdraw),
        on(StatusQuery, handlers.answer_status_query, replies=StatusReply),
        on(ClockTicked, deadline_monitor.on_tick),
        on(ReviewRequested, progress.on_review_requested),
        on(IdentityVerified, progress.on_identity_verified),
        on(IdentityRejected, progress.on_identity_rejected),
        on(DocumentRequested, progress.on_document_requested),
        on(DiscoveryCompleted, progress.on_discovered),
        on(DiscoveryFailed, progress.on_discovery_failed),
        on(FulfilmentCompleted, progress.on_fulfilled),
        on(FulfilmentFailed, progress.on_fulfilment_failed),
        on(FulfilmentRetried, progress.on_fulfilment_retried),
        on(FulfilmentClosed, progress.on_fulfilment_closed),
        on(NotificationSent, progress.on_notified),
        on(DeliveryUpdated, progress.on_delivery_updated),
        on(CallMade, progress.on_call_made),
    ),
)
