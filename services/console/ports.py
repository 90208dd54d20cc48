"""What the console needs from the outside: a way to publish contract events and the
dead-letter queues. ``services/bootstrap.console`` builds the real ones (RabbitMQ, or the
embedded bus of ``dsr demo``)."""

from __future__ import annotations

import threading
from typing import Protocol

from contracts.envelope import EVENTS_EXCHANGE, CloudEvent
from services.operations.dead_letters import DeadLetter, fresh_headers, parse_letter
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.routing import Worker


class Publisher(Protocol):
    def publish(self, event: CloudEvent) -> None: ...


class DeadLetters(Protocol):
    def depths(self, workers: list[Worker]) -> dict[str, int]: ...

    def browse(self, worker: Worker, limit: int = 50) -> list[DeadLetter]: ...

    def redriven(self, worker: Worker, event_ids: set[str] | None) -> list[DeadLetter]: ...


class EmbeddedPublisher:
    """Publishes into the in-process bus and runs the workers until idle, one request at a
    time (the console serves from a thread pool; the bus is not thread-safe)."""

    def __init__(self, bus: EmbeddedBus) -> None:
        self.bus = bus
        self.lock = threading.Lock()

    def publish(self, event: CloudEvent) -> None:
        with self.lock:
            self.bus.broker.publish(EVENTS_EXCHANGE, event.type, event.to_json())
            self.bus.run_until_idle(wait_for_retries=False)


class EmbeddedDeadLetters:
    """The embedded bus's dead-letter queues, read and redriven as on RabbitMQ."""

    def __init__(self, publisher: EmbeddedPublisher) -> None:
        self._publisher = publisher
        self._broker = publisher.bus.broker

    def depths(self, workers: list[Worker]) -> dict[str, int]:
        return {w.name: self._broker.depth(w.dead_letter_queue) for w in workers}

    def browse(self, worker: Worker, limit: int = 50) -> list[DeadLetter]:
        return [parse_letter(n, dict(d.headers), d.body) for n, d in
                enumerate(self._broker.messages(worker.dead_letter_queue)[:limit], start=1)]

    def redriven(self, worker: Worker, event_ids: set[str] | None) -> list[DeadLetter]:
        moved: list[DeadLetter] = []
        with self._publisher.lock:
            queue = worker.dead_letter_queue
            for _ in range(self._broker.depth(queue)):
                delivery = self._broker.take(queue)
                if delivery is None:
                    break
                letter = parse_letter(0, dict(delivery.headers), delivery.body)
                if event_ids is not None and letter.event_id not in event_ids:
                    self._broker.publish("", queue, delivery.body, headers=delivery.headers)
                    continue
                exchange, routing_key = letter.origin
                self._broker.publish(exchange, routing_key, letter.body,
                                     headers=fresh_headers(letter))
                moved.append(letter)
            self._publisher.bus.run_until_idle(wait_for_retries=False)
        return moved
