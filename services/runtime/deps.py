"""What a handler receives besides its message: the transaction, the clock, and the outbox."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from contracts.envelope import COMMANDS_EXCHANGE, CloudEvent, Message
from services.runtime.clock import Clock
from services.runtime.settings import Settings
from services.runtime.signing import sign
from services.runtime.tasks import TASKS_EXCHANGE, Task


@dataclass(frozen=True)
class Outgoing:
    """A message to publish once the transaction that produced it has committed."""

    exchange: str
    routing_key: str
    event: CloudEvent | Task


@dataclass
class Deps:
    """Handed to every handler. ``db`` is inside the unit of work's transaction."""

    db: Connection
    clock: Clock
    settings: Settings
    service: str
    incoming: CloudEvent | None = None
    outbox: list[Outgoing] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock.now()

    def publish(self, message: Message, *, subject: str | None = None) -> CloudEvent:
        """Record ``message`` in the outbox, in the current transaction."""
        event = CloudEvent.wrap(
            message,
            source=f"{self.settings.source}/{self.service}",
            subject=subject,
            time=self.clock.now(),
        )
        extensions = self._trace_extensions(event.id)
        event = event.model_copy(update=extensions)
        if message.exchange == COMMANDS_EXCHANGE:
            event = sign(event, self.settings.command_key)
        self.outbox.append(Outgoing(message.exchange, event.type, event))
        return event

    def enqueue(self, queue_name: str, actor_name: str, payload: dict[str, Any],
                key: str) -> None:
        """Record a task for a dramatiq actor in the outbox, in the current transaction."""
        task = Task(queue_name, actor_name, payload, key)
        self.outbox.append(Outgoing(TASKS_EXCHANGE, queue_name, task))

    def _trace_extensions(self, own_id: str) -> dict[str, Any]:
        """Correlation and causation ids, and a W3C ``traceparent`` continuing the trace."""
        found = {"traceparent": f"00-{trace_id_of(self.incoming)}-{secrets.token_hex(8)}-01"}
        if self.incoming is None:
            return {**found, "correlationid": own_id}
        return {**found, "correlationid": correlation_id_of(self.incoming),
                "causationid": self.incoming.id}


def correlation_id_of(event: CloudEvent) -> str:
    """The id of the event that started this chain: the event's own id when it starts one."""
    correlation = (event.model_extra or {}).get("correlationid")
    return correlation if isinstance(correlation, str) else event.id


def trace_id_of(event: CloudEvent | None) -> str:
    """The trace id of the event's W3C traceparent; an event without one starts a trace whose
    id derives from its own, so its log lines and what it publishes agree."""
    if event is None:
        return secrets.token_hex(16)
    traceparent = (event.model_extra or {}).get("traceparent")
    if isinstance(traceparent, str):
        parts = traceparent.split("-")
        if len(parts) == 4 and len(parts[1]) == 32 and parts[1] != "0" * 32:
            return parts[1]
    return hashlib.sha256(f"{event.source}\n{event.id}".encode()).hexdigest()[:32]
