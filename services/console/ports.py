"""What the console needs from the outside: a way to publish contract events, the
dead-letter queues (the workers' and the delivery actors'), and the desks that record a call
made or a letter posted. ``services/bootstrap.console`` builds the real ones (RabbitMQ, or the
embedded bus of ``dsr demo`` with the delivery actors on dramatiq's stub broker)."""

from __future__ import annotations

import threading
from typing import Protocol

from contracts.envelope import EVENTS_EXCHANGE, CloudEvent
from contracts.notification import NotificationKind
from services.delivery.actors import TaskWorker
from services.operations.dead_letters import (
    DeadLetter,
    fresh_headers,
    fresh_task,
    parse_letter,
)
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.routing import Worker
from services.runtime.tasks import TASKS_EXCHANGE


class Publisher(Protocol):
    def publish(self, event: CloudEvent) -> None: ...


class DeadLetters(Protocol):
    """A worker's dead-letter queue (a ``Worker``), or a delivery actor's (its queue name)."""

    def depths(self, workers: list[Worker]) -> dict[str, int]: ...

    def browse(self, worker: Worker | str, limit: int = 50) -> list[DeadLetter]: ...

    def redriven(self, worker: Worker | str, event_ids: set[str] | None
                 ) -> list[DeadLetter]: ...


class Desks(Protocol):
    """The call centre's and the mail room's records, in the notification and delivery
    workers' own databases (their events go out through those workers' outboxes)."""

    def call_made(self, reference: str, by: str, note: str) -> list[NotificationKind]: ...

    def confirmed(self, notice_ids: list[str], by: str) -> dict[str, bool]: ...


class EmbeddedPublisher:
    """Publishes into the in-process bus and runs the workers until idle, one request at a
    time (the console serves from a thread pool; the bus is not thread-safe); with the
    delivery actors (``tasks``), hands them the notices and runs them until they settle."""

    def __init__(self, bus: EmbeddedBus, tasks: TaskWorker | None = None) -> None:
        self.bus = bus
        self.tasks = tasks
        self.lock = threading.Lock()

    def publish(self, event: CloudEvent) -> None:
        with self.lock:
            self.bus.broker.publish(EVENTS_EXCHANGE, event.type, event.to_json())
            self.run_on()

    def relay(self) -> None:
        """What a worker's outbox relay does on RabbitMQ: publish what was committed outside
        a handler (a call made, a letter confirmed, a notice's delivery), then run on."""
        with self.lock:
            self.run_on()

    def run_on(self) -> None:
        """Run the workers and the actors until idle (the caller holds ``lock``)."""
        self.bus.recover_outboxes()
        self.bus.run_until_idle(wait_for_retries=False)
        while self.tasks is not None and self.tasks.hand_over(self._take):
            self.tasks.join()
            self.bus.recover_outboxes()
            self.bus.run_until_idle(wait_for_retries=False)

    def _take(self, queue: str) -> bytes | None:
        delivery = self.bus.broker.take(queue)
        return None if delivery is None else delivery.body

    def close(self) -> None:
        if self.tasks is not None:
            self.tasks.stop()


class EmbeddedDeadLetters:
    """The embedded bus's dead-letter queues, read and redriven as on RabbitMQ."""

    def __init__(self, publisher: EmbeddedPublisher) -> None:
        self._publisher = publisher
        self._broker = publisher.bus.broker

    def depths(self, workers: list[Worker]) -> dict[str, int]:
        tasks = self._publisher.tasks
        return {w.name: self._broker.depth(w.dead_letter_queue) for w in workers} | {
            queue: len(tasks.dead_letters(queue)) if tasks else 0
            for w in workers for queue in w.tasks}

    def browse(self, worker: Worker | str, limit: int = 50) -> list[DeadLetter]:
        if isinstance(worker, str):
            tasks = self._publisher.tasks
            bodies = tasks.dead_letters(worker)[:limit] if tasks else []
            return [parse_letter(n, {}, body) for n, body in enumerate(bodies, start=1)]
        return [parse_letter(n, dict(d.headers), d.body) for n, d in
                enumerate(self._broker.messages(worker.dead_letter_queue)[:limit], start=1)]

    def redriven(self, worker: Worker | str, event_ids: set[str] | None
                 ) -> list[DeadLetter]:
        if isinstance(worker, str):
            return self._redriven_tasks(worker, event_ids)
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

    def _redriven_tasks(self, queue: str, notice_ids: set[str] | None) -> list[DeadLetter]:
        """Back onto the actor's queue (through ``dsr.tasks``, as on RabbitMQ), its retries
        reset and marked redriven; then the actors run it."""
        tasks = self._publisher.tasks
        if tasks is None:
            return []

        def wanted(body: bytes) -> bool:
            return notice_ids is None or parse_letter(0, {}, body).event_id in notice_ids

        with self._publisher.lock:
            taken = tasks.take_dead(queue, wanted)
            for body in taken:
                self._broker.publish(TASKS_EXCHANGE, queue, fresh_task(body))
            self._publisher.run_on()
        return [parse_letter(0, {}, body) for body in taken]
