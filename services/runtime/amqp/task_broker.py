"""dramatiq's RabbitMQ broker with every queue of an actor a quorum queue.

dramatiq declares three queues per actor: its queue, the delay queue ``<queue>.DQ`` its
retries wait in, and the dead-letter queue ``<queue>.XQ``. Left to itself it declares them
classic, so they live on one node of a cluster and a notice waiting there is out of reach
while that node is down. Here they are quorum queues, replicated over the nodes like the
workers' queues (docs/scaling.md). ``task_queue_arguments`` is the one place that says how:
the topology's export (infra/rabbitmq/definitions.json) declares them with the same
arguments, or one declaration would refuse the other.
"""

from __future__ import annotations

from typing import Any

from dramatiq.brokers.rabbitmq import DEAD_MESSAGE_TTL, RabbitmqBroker
from dramatiq.common import dq_name, xq_name

QUORUM = {"x-queue-type": "quorum"}


def task_queue_arguments(queue_name: str) -> dict[str, dict[str, Any]]:
    """The arguments of an actor's queue, its delay queue and its dead-letter queue, by
    name. A failed message goes to ``<queue>.XQ``, where it is kept for dramatiq's
    dead-message TTL (7 days)."""
    to_dead = {"x-dead-letter-exchange": "", "x-dead-letter-routing-key": xq_name(queue_name),
               **QUORUM}
    return {queue_name: to_dead, dq_name(queue_name): dict(to_dead),
            xq_name(queue_name): {"x-message-ttl": DEAD_MESSAGE_TTL, **QUORUM}}


class QuorumRabbitmqBroker(RabbitmqBroker):
    """dramatiq's broker, declaring its queues with ``task_queue_arguments``. It overrides
    dramatiq's queue declaration (``tests/unit/test_task_broker.py`` checks what is declared,
    so a dramatiq release that renames it fails there)."""

    def _build_queue_arguments(self, queue_name: str) -> dict[str, Any]:
        if self.max_priority:
            raise ValueError("a quorum queue has no x-max-priority: leave max_priority unset")
        return task_queue_arguments(queue_name)[queue_name]

    def _declare_xq_queue(self, queue_name: str) -> Any:
        name = xq_name(queue_name)
        return self.channel.queue_declare(queue=name, durable=True,
                                          arguments=task_queue_arguments(queue_name)[name])
