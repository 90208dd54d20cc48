"""What the intake worker consumes, and which handler takes each message."""

from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import FulfilmentCompleted, FulfilmentFailed
from contracts.identity import DocumentRequested, IdentityRejected, IdentityVerified
from contracts.intake import RequestSubmitted
from contracts.notification import NotificationSent
from contracts.status import StatusQuery
from services.intake import handlers, progress
from services.intake.tables import metadata
from services.runtime.routing import Worker, on

WORKER = Worker(
    name="intake",
    tables=metadata,
    on_invalid=handlers.reject_invalid_intake,
    routes=(
        on(RequestSubmitted, handlers.register_request),
        on(StatusQuery, handlers.answer_status_query, replies=True),
        on(IdentityVerified, progress.on_identity_verified),
        on(IdentityRejected, progress.on_identity_rejected),
        on(DocumentRequested, progress.on_document_requested),
        on(DiscoveryCompleted, progress.on_discovered),
        on(FulfilmentCompleted, progress.on_fulfilled),
        on(FulfilmentFailed, progress.on_fulfilment_failed),
        on(NotificationSent, progress.on_notified),
    ),
)
