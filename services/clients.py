"""The broker users that are not workers: who outside the saga may publish and observe what.

What a worker consumes and publishes is declared in its own ``routes.py``; these are the
call centre, the back office, the clock and the operators. Both feed the broker users of
``dsr topology`` (``services/runtime/amqp/permissions.py``) and the AsyncAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from contracts.fulfilment import (
    FulfilmentReviewDecided,
)
from contracts.identity import (
    ReviewDecided,
)
from contracts.intake import (
    DocumentSubmitted,
    RequestRejected,
    RequestSubmitted,
    WithdrawalSubmitted,
)
from contracts.restriction import (
    RestrictionLiftRequested,
)
from contracts.status import (
    ClockTicked,
    DeadLetterRedriven,
    StatusChanged,
    StatusQuery,
)
from services.runtime.routing import Publication, publishes
from services.runtime.tasks import TASKS_EXCHANGE


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
           publishes=(Publication(EVENTS_EXCHANGE, "#"), Publication(COMMANDS_EXCHANGE, "#"),
                      Publication(TASKS_EXCHANGE, "#")),
           dead_letters=True),
    Client("console", "`dsr console`, the back-office web console: every decision above as "
           "the signed-in staff member, documents attached, dead letters redriven",
           publishes=(*publishes(ReviewDecided, FulfilmentReviewDecided,
                                 RestrictionLiftRequested, DocumentSubmitted, StatusQuery,
                                 DeadLetterRedriven),
                      Publication(EVENTS_EXCHANGE, "#"), Publication(COMMANDS_EXCHANGE, "#")),
           asks_status=True, dead_letters=True),
)
