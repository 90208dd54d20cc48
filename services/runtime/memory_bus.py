"""The embedded bus: RabbitMQ's routing and settlement rules, in one process.

It is the default when ``DSR_AMQP_URL`` is unset (``dsr demo``) and the in-memory test broker
of the end-to-end tests. Handlers, processors, outboxes, the topology (delay queues whose
messages expire back into the worker's queue, dead-letter queues behind ``dsr.runtime``) and
the settle rule (``settlement.settle``) are the same as on RabbitMQ; only the transport differs.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from collections.abc import Iterable
from datetime import UTC, datetime

from services.runtime.amqp.topology import Topology, plan
from services.runtime.delivery import Delivery, Outcome
from services.runtime.outbox import Outbox
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.settlement import Publication, settle
from services.runtime.topics import topic_matches


class InMemoryBroker:
    """Topic exchanges, durable-in-spirit queues, and delay queues with a message TTL."""

    def __init__(self) -> None:
        self._bindings: dict[str, list[tuple[str, str]]] = {}
        self._queues: dict[str, deque[Delivery]] = {}
        self._expire_into: dict[str, tuple[int, str]] = {}  # delay queue -> (ttl ms, target)
        self._delayed: list[tuple[float, int, str, Delivery]] = []
        self._sequence = itertools.count()

    def declare(self, topology: Topology) -> None:
        """Declare the queues and bindings RabbitMQ would have (exchanges need no state)."""
        for queue in topology.queues:
            self.declare_queue(queue.name)
            ttl, target = (queue.arguments.get("x-message-ttl"),
                           queue.arguments.get("x-dead-letter-routing-key"))
            if ttl is not None and queue.arguments.get("x-dead-letter-exchange") == "":
                self._expire_into[queue.name] = (int(ttl), str(target))
        for exchange, queue_name, key in topology.bindings:
            self.bind(queue_name, exchange, key)

    def declare_queue(self, name: str) -> None:
        self._queues.setdefault(name, deque())

    def bind(self, queue: str, exchange: str, pattern: str) -> None:
        pairs = self._bindings.setdefault(exchange, [])
        if (pattern, queue) not in pairs:
            pairs.append((pattern, queue))

    def publish(self, exchange: str, routing_key: str, body: bytes, **properties: object) -> int:
        """Route a message; return how many queues received it (0: unroutable, dropped).

        Without a ``content_type`` it carries the contract's, as every sender in this process
        sets it; pass one (or None) to deliver what another client would send.
        """
        delivery = Delivery(body=body, routing_key=routing_key, exchange=exchange,
                            **properties)  # type: ignore[arg-type]
        if exchange == "":
            targets = [routing_key] if routing_key in self._queues else []
        else:
            pairs = self._bindings.get(exchange, [])
            targets = list(dict.fromkeys(q for p, q in pairs if topic_matches(p, routing_key)))
        for queue in targets:
            if queue in self._expire_into:
                ttl_ms, target = self._expire_into[queue]
                self._schedule(target, delivery, ttl_ms)
            else:
                self._queues[queue].append(delivery)
        return len(targets)

    def _schedule(self, queue: str, delivery: Delivery, delay_ms: int) -> None:
        due = time.monotonic() + delay_ms / 1000
        heapq.heappush(self._delayed, (due, next(self._sequence), queue, delivery))

    def release_due(self) -> None:
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, queue, delivery = heapq.heappop(self._delayed)
            self._queues[queue].append(delivery)

    def next_due_in(self) -> float | None:
        return max(0.0, self._delayed[0][0] - time.monotonic()) if self._delayed else None

    def take(self, queue: str) -> Delivery | None:
        messages = self._queues.get(queue)
        return messages.popleft() if messages else None

    def depth(self, queue: str) -> int:
        return len(self._queues.get(queue, ()))

    def messages(self, queue: str) -> list[Delivery]:
        return list(self._queues.get(queue, ()))


class EmbeddedBus:
    """Runs every worker's processor against an ``InMemoryBroker`` until nothing is left."""

    def __init__(self, broker: InMemoryBroker, processors: Iterable[Processor],
                 settings: Settings) -> None:
        self.broker = broker
        self._processors = list(processors)
        broker.declare(plan([p.worker for p in self._processors], settings))

    def recover_outboxes(self) -> int:
        """Publish what a previous run committed but never published (crash recovery)."""
        count = 0
        for processor in self._processors:
            outbox = Outbox(processor.worker.tables)
            records = outbox.pending(processor.engine, older_than=_far_future())
            for record in records:
                self.broker.publish(record.exchange, record.routing_key, record.body)
            outbox.forget_published(processor.engine, [r.outbox_id for r in records])
            count += len(records)
        return count

    def run_until_idle(self, max_messages: int = 10_000_000, wait_for_retries: bool = True) -> int:
        """Deliver messages round-robin until every queue is empty; return how many."""
        handled = 0
        while handled < max_messages:
            self.broker.release_due()
            progressed = False
            for processor in self._processors:
                delivery = self.broker.take(processor.worker.queue)
                if delivery is not None:
                    self._settle(processor, delivery, processor.process(delivery))
                    handled += 1
                    progressed = True
            if progressed:
                continue
            wait = self.broker.next_due_in()
            if wait is None or not wait_for_retries:
                break
            time.sleep(wait)
        return handled

    def _settle(self, processor: Processor, delivery: Delivery, outcome: Outcome) -> None:
        settlement = settle(outcome, delivery, processor.worker)
        if settlement.copy is not None:
            self._send(settlement.copy)  # confirmed at once: the original is dropped
            return
        for record in settlement.committed:
            self.broker.publish(record.exchange, record.routing_key, record.body)
        Outbox(processor.worker.tables).forget_published(
            processor.engine, [record.outbox_id for record in settlement.committed])
        if settlement.reply is not None:
            self._send(settlement.reply)

    def _send(self, publication: Publication) -> None:
        self.broker.publish(publication.exchange, publication.routing_key, publication.body,
                            headers=publication.headers or {},
                            correlation_id=publication.correlation_id)


def _far_future() -> datetime:
    return datetime.max.replace(tzinfo=UTC)
