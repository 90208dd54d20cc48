"""What each worker may publish, and which other clients may publish what: least privilege.

The route tables say what a worker consumes; this table says what its handlers publish. Both
feed the broker users of ``dsr topology`` (``services/runtime/amqp/permissions.py``): a
worker's user may write only these routing keys (topic permissions) on these exchanges, and
the processor dead-letters a message whose handler published anything else (so the embedded
end-to-end tests catch an undeclared publication before the broker refuses it). A new
message type a handler publishes goes here, or it never leaves its worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.backoffice import StoreCommand, StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
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
from contracts.notification import NotificationSent, PackageDestroyed
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.status import (
    ClockTicked,
    DeadlineBreached,
    DeadlineEscalated,
    RequestWithdrawn,
    StatusChanged,
    StatusQuery,
)
from contracts.vocabulary import Store
from services.fulfilment.routes import FULFILMENT_ACTIONS
from services.runtime.routing import Publication, publishes


def _commands(store: str, action: str) -> Publication:
    return Publication(COMMANDS_EXCHANGE, StoreCommand.message_type.format(store=store,
                                                                           action=action))


def _results(store: Store) -> Publication:
    return Publication(EVENTS_EXCHANGE, StoreResult.message_type.format(store=store.value,
                                                                        action="*"))


PUBLISHES: dict[str, tuple[Publication, ...]] = {
    "intake": publishes(RequestRegistered, RequestRejected, DocumentRegistered,
                        RequestWithdrawn, StatusChanged, DeadlineEscalated, DeadlineBreached),
    "identity": (*publishes(IdentityVerified, IdentityRejected, DocumentRequested,
                            ReviewRequested, DocumentReminderDue),
                 _commands(Store.CRM.value, "identify")),
    "discovery": (*publishes(DiscoveryCompleted, DiscoveryFailed), _commands("*", "discover")),
    "fulfilment": (*publishes(FulfilmentCompleted, FulfilmentFailed, FulfilmentRetried,
                              FulfilmentClosed, RestrictionLiftAnnounced, RestrictionLifted),
                   *(_commands("*", action.value) for action in FULFILMENT_ACTIONS)),
    "notification": publishes(NotificationSent, RestrictionLiftNotified, PackageDestroyed),
    "crm": (_results(Store.CRM),),
    "billing": (_results(Store.BILLING),),
    "cdr": (_results(Store.CDR),),
    "audit": (),
}

# Intake answers status queries on the reply queue the query names, through the default
# exchange (the documented contract): RabbitMQ cannot restrict that exchange by queue.
REPLIES_TO_QUERIES = frozenset({"intake"})


@dataclass(frozen=True)
class Client:
    """A broker user that is not a worker: the call centre, the back office, operators.

    ``observes``: event types it may bind its own (server-named or ``dsr.cli.*``) queues to
    on ``dsr.events``. ``dead_letters``: it may browse and redrive the dead-letter queues.
    """

    name: str
    purpose: str
    publishes: tuple[Publication, ...] = ()
    observes: tuple[str, ...] = ()
    asks_status: bool = False
    dead_letters: bool = False


CLIENTS: tuple[Client, ...] = (
    Client("callcentre", "7400 call centre and `dsr submit/document/withdraw/status`",
           publishes=publishes(RequestSubmitted, DocumentSubmitted, WithdrawalSubmitted,
                               StatusQuery),
           observes=(StatusChanged.message_type, RequestRejected.message_type),
           asks_status=True),
    Client("backoffice", "identity and fulfilment reviewers and the DPO's desk: "
           "`dsr review`, `dsr restriction lift`",
           publishes=publishes(ReviewDecided, FulfilmentReviewDecided, RestrictionLiftRequested),
           asks_status=True),
    Client("clock", "`dsr clock`", publishes=publishes(ClockTicked)),
    Client("operator", "`dsr dlq list/show/redrive`: dead letters back to where they came from",
           publishes=(Publication(EVENTS_EXCHANGE, "#"), Publication(COMMANDS_EXCHANGE, "#")),
           dead_letters=True),
)
