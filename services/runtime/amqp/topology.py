"""The broker topology, planned once from the route tables and declared or exported.

Per worker: a durable quorum queue with a delivery limit and a dead-letter exchange into the
worker's dead-letter queue, and one delay queue per retry tier whose expired messages go back
to the worker's queue. Retries wait in the broker, never unacked in a consumer's memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from services.runtime.routing import Worker
from services.runtime.settings import Settings

DEAD_LETTER_EXCHANGE = "dsr.dlx"


@dataclass(frozen=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Topology:
    exchanges: tuple[tuple[str, str], ...]
    queues: tuple[QueueSpec, ...]
    bindings: tuple[tuple[str, str, str], ...]  # (exchange, queue, routing key)


def retry_queue(worker: Worker, delay_ms: int) -> str:
    return f"{worker.queue}.retry.{delay_ms}"


def plan(workers: Iterable[Worker], settings: Settings) -> Topology:
    queues: list[QueueSpec] = []
    bindings: list[tuple[str, str, str]] = []
    for worker in workers:
        queues.append(QueueSpec(worker.queue, {
            "x-queue-type": "quorum",
            "x-delivery-limit": settings.delivery_limit,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": worker.name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }))
        queues.append(QueueSpec(worker.dead_letter_queue, {"x-queue-type": "quorum"}))
        bindings.append((DEAD_LETTER_EXCHANGE, worker.dead_letter_queue, worker.name))
        for delay in sorted(set(settings.retry_delays_ms)):
            queues.append(QueueSpec(retry_queue(worker, delay), {
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": worker.queue,
            }))
        bindings.extend((exchange, worker.queue, key) for exchange, key in worker.bindings())
    exchanges = ((EVENTS_EXCHANGE, "topic"), (COMMANDS_EXCHANGE, "topic"),
                 (DEAD_LETTER_EXCHANGE, "direct"))
    return Topology(exchanges, tuple(queues), tuple(bindings))


def declare(channel: Any, topology: Topology) -> None:
    """Declare everything on a pika ``BlockingChannel`` (idempotent)."""
    for name, kind in topology.exchanges:
        channel.exchange_declare(exchange=name, exchange_type=kind, durable=True)
    for queue in topology.queues:
        channel.queue_declare(queue=queue.name, durable=True, arguments=queue.arguments)
    for exchange, queue_name, key in topology.bindings:
        channel.queue_bind(queue=queue_name, exchange=exchange, routing_key=key)


def to_definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    """The same topology as a RabbitMQ definitions document (``infra/rabbitmq``)."""
    return {
        "exchanges": [
            {"name": n, "vhost": vhost, "type": k, "durable": True, "auto_delete": False,
             "internal": False, "arguments": {}} for n, k in topology.exchanges
        ],
        "queues": [
            {"name": q.name, "vhost": vhost, "durable": True, "auto_delete": False,
             "arguments": q.arguments} for q in topology.queues
        ],
        "bindings": [
            {"source": e, "vhost": vhost, "destination": q, "destination_type": "queue",
             "routing_key": k, "arguments": {}} for e, q, k in topology.bindings
        ],
    }
