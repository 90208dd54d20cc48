"""What a bus does with a delivery once its processor has an outcome: one rule for every bus.

The AMQP session and the embedded bus both carry out the ``Settlement`` this module computes,
so the end-to-end tier on the in-process bus runs the same settle logic as production:

- ``Done``: ack, then publish the committed outbox rows (a publish lost after the ack is
  recovered from the outbox by the relay's sweep), and the reply when the caller asked for one;
- ``Retry`` / ``DeadLetter``: publish a copy to the worker's delay or dead-letter queue through
  ``dsr.runtime``, and ack the original only once that copy is confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.runtime.amqp.topology import RUNTIME_EXCHANGE, dead_letter_key, retry_key
from services.runtime.delivery import DeadLetter, Delivery, Done, Outcome, PublishedRecord
from services.runtime.routing import Worker


@dataclass(frozen=True)
class Publication:
    exchange: str
    routing_key: str
    body: bytes
    headers: dict[str, Any] | None = None
    correlation_id: str | None = None


@dataclass(frozen=True)
class Settlement:
    """``copy`` set: publish it, ack after its confirm. Otherwise: ack, then publish the rest."""

    copy: Publication | None = None
    committed: tuple[PublishedRecord, ...] = ()
    reply: Publication | None = None


def settle(outcome: Outcome, delivery: Delivery, worker: Worker) -> Settlement:
    if isinstance(outcome, Done):
        reply = None
        if outcome.reply is not None and delivery.reply_to:
            reply = Publication("", delivery.reply_to, outcome.reply.event.to_json(),
                                correlation_id=delivery.correlation_id)
        return Settlement(committed=outcome.to_publish, reply=reply)
    if isinstance(outcome, DeadLetter):
        return Settlement(copy=Publication(RUNTIME_EXCHANGE, dead_letter_key(worker),
                                           delivery.body,
                                           delivery.dead_letter_headers(outcome.reason)))
    return Settlement(copy=Publication(RUNTIME_EXCHANGE, retry_key(worker, outcome.delay_ms),
                                       delivery.body, delivery.retry_headers()))
