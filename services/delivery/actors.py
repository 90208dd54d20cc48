"""The dramatiq actors, thin: decode the task, call the channel, say what a failure means.

- A gateway that cannot take the notice now (``GatewayUnavailable``): dramatiq retries with
  exponential backoff (DSR_DELIVERY_MIN/MAX_BACKOFF_MS) up to DSR_DELIVERY_MAX_RETRIES; on the
  last attempt the notice is recorded failed (the notification worker falls back) and the
  task goes to its dead-letter queue (``<queue>.XQ``, shown by ``dsr dlq``).
- A refusal for good (``GatewayRefused``, ``Reject``): recorded failed and dead-lettered at
  once, without retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dramatiq
from dramatiq.middleware import CurrentMessage

from contracts.notification import Medium, NoticeTask
from services.delivery import channels
from services.delivery.ports import GatewayRefused, GatewayUnavailable
from services.delivery.repository import Ledger
from services.delivery.routes import ACTORS, QUEUES
from services.runtime.errors import Reject
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.settings import Settings

Channel = Callable[[NoticeTask], None]


@dataclass
class Gateways:
    """What each channel is wired to (``services/bootstrap.py`` builds them)."""

    ledger: Ledger
    sms: channels.SmsPorts | None
    mail: channels.MailPorts | None
    letters: Channel


def declare(broker: dramatiq.Broker, gateways: Gateways,
            settings: Settings) -> dict[Medium, dramatiq.Actor[Any, Any]]:
    """One actor per channel on ``broker``, each on its own queue."""
    if not any(isinstance(m, CurrentMessage) for m in broker.middleware):
        broker.add_middleware(CurrentMessage())
    ledger = gateways.ledger
    sending: dict[Medium, Channel] = {Medium.LETTER: gateways.letters}
    if gateways.sms is not None:
        sms = gateways.sms
        sending[Medium.SMS] = lambda task: channels.send_sms(task, ledger, sms)
    if gateways.mail is not None:
        mail = gateways.mail
        sending[Medium.EMAIL] = lambda task: channels.send_email(task, ledger, mail)
    declared = {}
    for medium, send in sending.items():
        declared[medium] = dramatiq.actor(
            actor_name=ACTORS[medium], queue_name=QUEUES[medium], broker=broker,
            max_retries=settings.delivery_max_retries,
            min_backoff=settings.delivery_min_backoff_ms,
            max_backoff=settings.delivery_max_backoff_ms,
            throws=(Reject, GatewayRefused))(_run(send, ledger, settings.delivery_max_retries))
    return declared


def _run(send: Channel, ledger: Ledger, max_retries: int) -> Callable[[dict[str, Any]], None]:
    def deliver(notice: dict[str, Any]) -> None:
        task = NoticeTask.model_validate(notice)
        message = CurrentMessage.get_current_message()
        if message is not None and message.options.get("redriven"):
            ledger.reopen(task.notice_id)
        try:
            send(task)
        except (Reject, GatewayRefused) as error:
            ledger.failed(task.notice_id, str(error))
            raise
        except GatewayUnavailable as error:
            retries = message.options.get("retries", 0) if message is not None else 0
            if retries >= max_retries:
                ledger.failed(task.notice_id, f"gave up after {retries + 1} attempts: {error}")
            raise

    return deliver


@dataclass
class TaskWorker:
    """The actors' dramatiq worker and the receipt listener, started and stopped together."""

    broker: dramatiq.Broker
    actors: dict[Medium, dramatiq.Actor[Any, Any]]
    threads: int
    listener: Any = None  # smpp.ReceiptListener, when receipts are asked for
    closers: tuple[Callable[[], None], ...] = ()  # the gateways' binds, closed on stop
    worker: dramatiq.Worker | None = None

    def start(self) -> None:
        if self.listener is not None:
            self.listener.start()
        self.worker = dramatiq.Worker(self.broker, worker_threads=self.threads,
                                      worker_timeout=100)
        self.worker.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        for close in self.closers:
            close()
        if self.listener is not None:
            self.listener.stop()

    def hand_over(self, take: Callable[[str], bytes | None]) -> int:
        """Embedded bus: move the tasks it routed to the actors' queues onto this (stub)
        broker; return how many."""
        moved = 0
        for queue in (actor.queue_name for actor in self.actors.values()):
            while (body := take(queue)) is not None:
                self.broker.enqueue(dramatiq.Message.decode(body))
                moved += 1
        return moved

    def drain(self, bus: EmbeddedBus) -> int:
        """Embedded bus and stub broker, one round: the bus's messages, the tasks they
        enqueued, the events the actors committed; how many tasks and events moved."""

        def take(queue: str) -> bytes | None:
            delivery = bus.broker.take(queue)
            return None if delivery is None else delivery.body

        bus.run_until_idle()
        moved = self.hand_over(take)
        if moved:
            self.join()
        moved += bus.recover_outboxes()
        bus.run_until_idle()
        return moved

    def dead_letters(self, queue: str) -> list[bytes]:
        """Stub broker: the tasks dead-lettered on ``queue``, as RabbitMQ keeps them in
        ``<queue>.XQ``: the body last delivered, whose retries count the attempts before the
        last one (the stub keeps the message after dramatiq counted the last failure too)."""
        kept = getattr(self.broker, "dead_letters_by_queue", {}).get(queue, [])
        return [self._as_delivered(message) for message in kept]

    def take_dead(self, queue: str, wanted: Callable[[bytes], bool]) -> list[bytes]:
        """Stub broker: remove the dead-lettered tasks of ``queue`` that ``wanted`` picks."""
        kept = getattr(self.broker, "dead_letters_by_queue", {}).get(queue, [])
        taken = [m for m in kept if wanted(self._as_delivered(m))]
        kept[:] = [m for m in kept if all(m is not t for t in taken)]
        return [self._as_delivered(m) for m in taken]

    def _as_delivered(self, message: Any) -> bytes:
        options = dict(message.options)
        limit = self.broker.get_actor(message.actor_name).options.get("max_retries")
        if isinstance(limit, int) and options.get("retries", 0) > limit:
            options["retries"] -= 1  # given up: dramatiq counted the last attempt
        return bytes(message.copy(options=options).encode())

    def join(self) -> None:
        """Stub broker: wait until every queue is drained (retries included)."""
        join = getattr(self.broker, "join", None)
        assert join is not None, "join is the stub broker's"
        for actor in self.actors.values():
            join(actor.queue_name, fail_fast=False)
        if self.worker is not None:
            self.worker.join()
