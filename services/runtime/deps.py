"""What a handler receives besides its message: the transaction, the clock, and the outbox."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from contracts.envelope import COMMANDS_EXCHANGE, CloudEvent, Message
from services.runtime.clock import Clock
from services.runtime.settings import Settings
from services.runtime.signing import sign


@dataclass(frozen=True)
class Outgoing:
    """A message to publish once the transaction that produced it has committed."""

    exchange: str
    routing_key: str
    event: CloudEvent


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

    def _trace_extensions(self, own_id: str) -> dict[str, Any]:
        """Correlation and causation ids, and a W3C ``traceparent`` continuing the trace."""
        extra = (self.incoming.model_extra or {}) if self.incoming else {}
        trace = _trace_id(extra.get("traceparent"))
        found = {"traceparent": f"00-{trace}-{secrets.token_hex(8)}-01"}
        if self.incoming is None:
            return {**found, "correlationid": own_id}
        return {**found, "correlationid": extra.get("correlationid", self.incoming.id),
                "causationid": self.incoming.id}


def _trace_id(traceparent: object) -> str:
    """The trace id of a valid W3C traceparent, else a new one."""
    if isinstance(traceparent, str):
        parts = traceparent.split("-")
        if len(parts) == 4 and len(parts[1]) == 32 and parts[1] != "0" * 32:
            return parts[1]
    return secrets.token_hex(16)
