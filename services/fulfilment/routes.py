"""What the fulfilment worker consumes."""

from contracts.backoffice import StoreAction, StoreResult
from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentRetried,
    FulfilmentReviewDecided,
)
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.status import ClockTicked, RequestWithdrawn
from services.fulfilment import handlers, lifting, review
from services.fulfilment.tables import metadata
from services.runtime.routing import Route, Worker, commands, on, publishes

FULFILMENT_ACTIONS = (StoreAction.EXPORT, StoreAction.PREPARE, StoreAction.COMMIT,
                      StoreAction.COMPENSATE, StoreAction.RELEASE, StoreAction.UNRESTRICT)

WORKER = Worker(
    name="fulfilment",
    tables=metadata,
    publishes=(*publishes(FulfilmentCompleted, FulfilmentFailed, FulfilmentRetried,
                          FulfilmentClosed, RestrictionLiftAnnounced, RestrictionLifted),
               *(commands("*", action) for action in FULFILMENT_ACTIONS)),
    routes=(
        on(DiscoveryCompleted, handlers.start_fulfilment),
        *(Route(binding=f"backoffice.*.{action.value}.result.v1", message=StoreResult,
                handler=handlers.record_outcome) for action in FULFILMENT_ACTIONS),
        on(RequestWithdrawn, handlers.stop_on_withdrawal),
        on(ClockTicked, handlers.resend_overdue),
        on(RestrictionLiftRequested, lifting.announce),
        on(RestrictionLiftNotified, lifting.notified),
        on(FulfilmentReviewDecided, review.decide),
    ),
)
