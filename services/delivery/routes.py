"""The delivery worker: one dramatiq actor per channel (``tasks``); it publishes where each
notice stands, and on the clock's tick expires the SMS whose receipts never came."""

from contracts.notification import TASK_ACTORS, TASK_QUEUES, DeliveryUpdated
from contracts.status import ClockTicked
from services.delivery import handlers
from services.delivery.tables import metadata
from services.runtime.routing import Worker, on, publishes

QUEUES = TASK_QUEUES
ACTORS = TASK_ACTORS

WORKER = Worker(
    name="delivery",
    tables=metadata,
    routes=(on(ClockTicked, handlers.expire_unreceipted),),
    publishes=publishes(DeliveryUpdated),
    tasks=tuple(QUEUES.values()),
)
