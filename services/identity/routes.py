"""What the identity worker consumes."""

from contracts.backoffice import StoreResult
from contracts.identity import (
    DocumentReminderDue,
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
    ReviewDecided,
    ReviewRequested,
)
from contracts.intake import DocumentRegistered, RequestRegistered
from contracts.status import ClockTicked, RequestWithdrawn
from contracts.vocabulary import Store
from services.identity import deadlines, handlers, review
from services.identity.tables import metadata
from services.runtime.routing import Route, Worker, commands, on, publishes

WORKER = Worker(
    name="identity",
    tables=metadata,
    publishes=(*publishes(IdentityVerified, IdentityRejected, DocumentRequested, ReviewRequested,
                          DocumentReminderDue),
               commands(Store.CRM, "identify")),
    routes=(
        on(RequestRegistered, handlers.start_verification),
        on(DocumentRegistered, handlers.resume_with_document),
        Route(binding="backoffice.crm.identify.result.v1", message=StoreResult,
              handler=handlers.check_against_crm),
        on(ReviewDecided, review.apply_review),
        on(RequestWithdrawn, review.stop_on_withdrawal),
        on(ClockTicked, deadlines.on_tick),
    ),
)
