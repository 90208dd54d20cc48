"""The broker topology, planned once from the route tables and declared or exported.

Per worker: a durable quorum queue with a delivery limit and a dead-letter exchange into the
worker's dead-letter queue, and one delay queue per retry tier whose expired messages go back
to the worker's queue. Retries wait in the broker, never unacked in a consumer's memory.

The runtime sends its retry copies and dead letters through the topic exchange
``dsr.runtime`` under keys that start with the worker's name, never through the default
exchange: a worker's broker user then needs no write permission on the default exchange
(which would let it put a message into any queue) and may, by its topic permission, reach
only its own delay and dead-letter queues (``services/runtime/amqp/permissions.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from services.runtime.amqp.task_broker import task_queue_arguments
from services.runtime.routing import Worker
from services.runtime.settings import Settings
from services.runtime.tasks import TASKS_EXCHANGE

DEAD_LETTER_EXCHANGE = "dsr.dlx"
RUNTIME_EXCHANGE = "dsr.runtime"


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


def retry_key(worker: Worker, delay_ms: int | str) -> str:
    """Routing key on ``dsr.runtime`` of the worker's delay queue for ``delay_ms``."""
    return f"{worker.name}.retry.{delay_ms}"


def dead_letter_key(worker: Worker) -> str:
    """Routing key on ``dsr.runtime`` of the worker's dead-letter queue."""
    return f"{worker.name}.dead-letter"


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
        bindings.append((RUNTIME_EXCHANGE, worker.dead_letter_queue, dead_letter_key(worker)))
        for delay in sorted(set(settings.retry_delays_ms)):
            # quorum too: a delay queue on one node would be lost with that node
            queues.append(QueueSpec(retry_queue(worker, delay), {
                "x-queue-type": "quorum",
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": worker.queue,
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            }))
            bindings.append((RUNTIME_EXCHANGE, retry_queue(worker, delay),
                             retry_key(worker, delay)))
        bindings.extend((exchange, worker.queue, key) for exchange, key in worker.bindings())
        for task_queue in worker.tasks:
            queues.extend(task_queues(task_queue))
            bindings.append((TASKS_EXCHANGE, task_queue, task_queue))
    exchanges = ((EVENTS_EXCHANGE, "topic"), (COMMANDS_EXCHANGE, "topic"),
                 (DEAD_LETTER_EXCHANGE, "direct"), (RUNTIME_EXCHANGE, "topic"),
                 (TASKS_EXCHANGE, "topic"))
    return Topology(exchanges, tuple(queues), tuple(bindings))


def task_queues(name: str) -> list[QueueSpec]:
    """A dramatiq actor's queue, its delay queue and its dead-letter queue, declared exactly
    as the delivery worker's broker declares them (else one declaration would fail)."""
    return [QueueSpec(queue, arguments)
            for queue, arguments in task_queue_arguments(name).items()]


def declare(channel: Any, topology: Topology) -> None:
    """Declare everything on a pika ``BlockingChannel`` (idempotent)."""
    for name, kind in topology.exchanges:
        channel.exchange_declare(exchange=name, exchange_type=kind, durable=True)
    for queue in topology.queues:
        channel.queue_declare(queue=queue.name, durable=True, arguments=queue.arguments)
    for exchange, queue_name, key in topology.bindings:
        channel.queue_bind(queue=queue_name, exchange=exchange, routing_key=key)


def check_declared(channel: Any, topology: Topology) -> None:
    """Passively check that the topology exists (``DSR_AMQP_DECLARE=false``).

    A worker whose broker user may not configure anything relies on the topology imported
    by an administrator (``infra/rabbitmq/definitions.json``); a missing exchange or queue
    closes the channel with 404 NOT_FOUND, which names it.
    """
    for name, _kind in topology.exchanges:
        channel.exchange_declare(exchange=name, passive=True)
    for queue in topology.queues:
        channel.queue_declare(queue=queue.name, passive=True)


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
