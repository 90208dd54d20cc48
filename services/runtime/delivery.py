"""A received message as the runtime sees it, and what to do with it once handled."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.envelope import CONTENT_TYPE, CloudEvent

ATTEMPT_HEADER = "x-dsr-attempt"
ERROR_HEADER = "x-dsr-error"
ORIGIN_EXCHANGE_HEADER = "x-dsr-exchange"
ORIGIN_ROUTING_KEY_HEADER = "x-dsr-routing-key"


@dataclass(frozen=True)
class Delivery:
    """One message taken from a worker's queue, independent of the broker library.

    ``content_type`` is the AMQP property as it came (None when the sender set none); a
    delivery built in-process (the embedded bus, a test) carries the contract's own.
    """

    body: bytes
    routing_key: str
    exchange: str = ""
    content_type: str | None = CONTENT_TYPE
    headers: dict[str, Any] = field(default_factory=dict)
    reply_to: str | None = None
    correlation_id: str | None = None
    redelivered: bool = False

    @property
    def attempt(self) -> int:
        """1 for the first try; raised by one each time the runtime schedules a retry."""
        value = self.headers.get(ATTEMPT_HEADER, 1)
        return value if isinstance(value, int) else 1

    @property
    def origin_routing_key(self) -> str:
        """The routing key it was first published with (a retry travels under another)."""
        return str(self.headers.get(ORIGIN_ROUTING_KEY_HEADER, self.routing_key))

    def _origin(self) -> dict[str, Any]:
        return {
            ORIGIN_EXCHANGE_HEADER: self.headers.get(ORIGIN_EXCHANGE_HEADER, self.exchange),
            ORIGIN_ROUTING_KEY_HEADER: self.origin_routing_key,
        }

    def retry_headers(self) -> dict[str, Any]:
        return {**self.headers, **self._origin(), ATTEMPT_HEADER: self.attempt + 1}

    def dead_letter_headers(self, reason: str) -> dict[str, Any]:
        """Headers that tell an operator why, and let ``dsr dlq redrive`` send it back."""
        return {**self.headers, **self._origin(), ERROR_HEADER: reason}


@dataclass(frozen=True)
class PublishedRecord:
    """An outbox row committed by the handler, to publish and then forget once confirmed."""

    outbox_id: int
    exchange: str
    routing_key: str
    body: bytes


@dataclass(frozen=True)
class Reply:
    event: CloudEvent


@dataclass(frozen=True)
class Done:
    """Handled and committed (or a duplicate): ack, then publish what the outbox holds."""

    to_publish: tuple[PublishedRecord, ...] = ()
    reply: Reply | None = None
    duplicate: bool = False


@dataclass(frozen=True)
class Retry:
    """Not handled yet: send it through the delay queue, then ack the original."""

    delay_ms: int
    reason: str


@dataclass(frozen=True)
class DeadLetter:
    """Will never succeed: copy it to the worker's dead-letter queue with the reason, ack."""

    reason: str


Outcome = Done | Retry | DeadLetter
