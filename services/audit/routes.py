"""What the audit worker consumes: every event on ``dsr.events`` that concerns a request.

Each type is bound explicitly (``on`` binds the exact type; store results by pattern). What
any worker or client publishes on ``dsr.events`` is either audited here or named in
``NOT_AUDITED`` with the reason (a unit test derives the list of published types from the
route tables and checks it).
"""

from contracts.backoffice import StoreResult
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
from contracts.notification import DeliveryUpdated, NotificationSent, PackageDestroyed
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
    RequestWithdrawn,
    StatusChanged,
    StatusQuery,
)
from services.audit import handlers
from services.audit.tables import metadata
from services.runtime.routing import Route, Worker, on

WORKER = Worker(
    name="audit",
    tables=metadata,
    publishes=(),
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
        on(DeliveryUpdated, handlers.on_delivery_updated),
        on(RestrictionLiftRequested, handlers.on_lift_requested),
        on(RestrictionLiftAnnounced, handlers.on_lift_announced),
        on(RestrictionLiftNotified, handlers.on_lift_notified),
        on(RestrictionLifted, handlers.on_lifted),
        on(DeadLetterRedriven, handlers.on_dead_letter_redriven),
        Route(binding="backoffice.*.*.result.v1", message=StoreResult,
              handler=handlers.on_store_result),
    ),
)

#: Published on ``dsr.events`` and deliberately not audited.
NOT_AUDITED: dict[type[Message], str] = {
    RequestSubmitted: "the raw intake, full of personal data; intake.request.registered.v1 is "
                      "audited instead",
    DocumentSubmitted: "the raw document with its copy; intake.document.registered.v1 is "
                       "audited instead",
    RequestRejected: "no request exists",
    StatusQuery: "a question, not a step of a request",
    ClockTicked: "no step of a request",
}
