"""The delivery worker: it consumes no event; it runs one dramatiq actor per channel
(``tasks``) and publishes where each notice stands."""

from contracts.notification import TASK_ACTORS, TASK_QUEUES, DeliveryUpdated
from services.delivery.tables import metadata
from services.runtime.routing import Worker, publishes

QUEUES = TASK_QUEUES
ACTORS = TASK_ACTORS

WORKER = Worker(
    name="delivery",
    tables=metadata,
    routes=(),
    publishes=publishes(DeliveryUpdated),
    tasks=tuple(QUEUES.values()),
)
