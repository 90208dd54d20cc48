"""What the audit worker consumes: every event on ``dsr.events`` that concerns a request.

Each type is bound explicitly (``on`` binds the exact type; store results by pattern). Not
bound: ``intake.request.submitted.v1`` and ``intake.document.submitted.v1`` (raw intakes full
of personal data and document copies; their registered counterparts are audited instead),
rejected intakes (no request exists), status queries and clock ticks (no step of a request).
"""

from contracts.backoffice import StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
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
from contracts.intake import DocumentRegistered, RequestRegistered, WithdrawalSubmitted
from contracts.notification import NotificationSent, PackageDestroyed
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.status import DeadlineBreached, DeadlineEscalated, RequestWithdrawn, StatusChanged
from services.audit import handlers
from services.audit.tables import metadata
from services.runtime.routing import Route, Worker, on

WORKER = Worker(
    name="audit",
    tables=metadata,
    routes=(
        on(RequestRegistered, handlers.on_registered),
        on(DocumentRegistered, handlers.on_document_registered),
        on(WithdrawalSubmitted, handlers.on_withdrawal_submitted),
        on(StatusChanged, handlers.on_status_changed),
        on(RequestWithdrawn, handlers.on_withdrawn),
        on(IdentityVerified, handlers.on_identity_verified),
        on(IdentityRejected, handlers.on_identity_rejected),
        on(DocumentRequested, handlers.on_document_requested),
        on(ReviewRequested, handlers.on_review_requested),
        on(ReviewDecided, handlers.on_review_decided),
        on(DocumentReminderDue, handlers.on_document_reminder_due),
        on(DeadlineEscalated, handlers.on_escalated),
        on(DeadlineBreached, handlers.on_breached),
        on(DiscoveryCompleted, handlers.on_discovered),
        on(DiscoveryFailed, handlers.on_discovery_failed),
        on(FulfilmentCompleted, handlers.on_fulfilled),
        on(FulfilmentFailed, handlers.on_fulfilment_failed),
        on(FulfilmentReviewDecided, handlers.on_fulfilment_review_decided),
        on(FulfilmentRetried, handlers.on_fulfilment_retried),
        on(FulfilmentClosed, handlers.on_fulfilment_closed),
        on(PackageDestroyed, handlers.on_package_destroyed),
        on(NotificationSent, handlers.on_notified),
        on(RestrictionLiftRequested, handlers.on_lift_requested),
        on(RestrictionLiftAnnounced, handlers.on_lift_announced),
        on(RestrictionLiftNotified, handlers.on_lift_notified),
        on(RestrictionLifted, handlers.on_lifted),
        Route(binding="backoffice.*.*.result.v1", message=StoreResult,
              handler=handlers.on_store_result),
    ),
)
