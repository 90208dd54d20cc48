"""Tasks for dramatiq actors, published through a worker's outbox like its events.

A handler that hands work to an external gateway enqueues a task (``Deps.enqueue``): the row
goes to the outbox in the handler's transaction and the relay publishes it, confirmed, on
the topic exchange ``dsr.tasks`` under the actor's queue name, to which that queue is bound.
The body is dramatiq's own message, so the actor's worker consumes it as if enqueued by
``actor.send``; its id derives from the task's key, and the actor is idempotent by that key,
so a row published twice (after a crash) does nothing twice.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import dramatiq

TASKS_EXCHANGE = "dsr.tasks"
_NAMESPACE = uuid.UUID("1b4f5cf4-3f35-4b7a-9a7e-6d3f0c2b9e11")


@dataclass(frozen=True)
class Task:
    """A dramatiq message; ``id`` and ``to_json`` as the outbox reads an event's."""

    queue_name: str
    actor_name: str
    payload: dict[str, Any]
    key: str

    @property
    def id(self) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.actor_name}:{self.key}"))

    def to_json(self) -> bytes:
        message: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=self.queue_name, actor_name=self.actor_name, args=(self.payload,),
            kwargs={}, options={}, message_id=self.id,
            message_timestamp=int(time.time() * 1000))
        return bytes(message.encode())
