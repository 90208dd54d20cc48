"""What the notification worker consumes."""

from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import FulfilmentClosed, FulfilmentCompleted
from contracts.identity import DocumentReminderDue, DocumentRequested, IdentityRejected
from contracts.intake import RequestRegistered
from contracts.notification import (
    CallMade,
    DeliveryUpdated,
    NotificationSent,
    PackageDestroyed,
)
from contracts.restriction import RestrictionLiftAnnounced, RestrictionLiftNotified
from contracts.status import ClockTicked, RequestWithdrawn
from services.notification import expiry, handlers
from services.notification.tables import metadata
from services.runtime.routing import Publication, Worker, on, publishes
from services.runtime.tasks import TASKS_EXCHANGE

WORKER = Worker(
    name="notification",
    tables=metadata,
    publishes=(*publishes(NotificationSent, RestrictionLiftNotified, PackageDestroyed,
                         CallMade),
               Publication(TASKS_EXCHANGE, "delivery.*")),
    routes=(
        on(RequestRegistered, handlers.acknowledge),
        on(DocumentRequested, handlers.request_document),
        on(DocumentReminderDue, handlers.remind_document),
        on(IdentityRejected, handlers.identity_not_verified),
        on(DiscoveryCompleted, handlers.note_holdings),
        on(FulfilmentCompleted, handlers.answer),
        on(RequestWithdrawn, handlers.confirm_withdrawal),
        on(RestrictionLiftAnnounced, handlers.announce_lift),
        on(FulfilmentClosed, handlers.tell_closed),
        on(ClockTicked, expiry.destroy_expired),
        on(DeliveryUpdated, handlers.follow_delivery),
    ),
)
