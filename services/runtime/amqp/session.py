"""One connection's life: consume every worker's queue, settle each delivery after commit.

Everything pika is touched on the I/O thread only; handlers run on one executor per worker
and hand their outcome back with ``add_callback_threadsafe``.

A publish the broker nacks, or never confirms, was not stored in every queue it was routed
to. After a quorum queue's leader left with its node, a channel opened before the election
may go on failing every publish to that queue, while a new channel reaches the new leader
(RabbitMQ 3.10, seen in the local cluster test). So a failed confirm replaces the confirming
channel (at most once per ``RENEW_EVERY_S``): the confirms awaited on the old one count as
failed, and the outbox relay's sweep publishes those rows again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

import pika
import structlog
from pika.channel import Channel
from pika.exceptions import AMQPError
from pika.spec import Basic, BasicProperties

from contracts.envelope import CONTENT_TYPE
from services.runtime.amqp.confirms import ConfirmTracker
from services.runtime.amqp.outbox_relay import OutboxRelay
from services.runtime.delivery import Delivery, Outcome
from services.runtime.errors import describe
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.settlement import settle

log = structlog.get_logger()
PERSISTENT = 2
RENEW_EVERY_S = 5.0


class AmqpSession:
    def __init__(self, params: pika.URLParameters, processors: list[Processor],
                 executors: dict[str, ThreadPoolExecutor], settings: Settings,
                 on_ready: Callable[[], None] = lambda: None) -> None:
        self._params = params
        self._processors = processors
        self._executors = executors
        self._settings = settings
        self._confirms = ConfirmTracker()
        self._relay = OutboxRelay(processors, executors, self, settings.outbox_sweep_s)
        self._connection: pika.SelectConnection | None = None
        self._publisher: Channel | None = None
        self._renewing = False
        self._renewed_at = float("-inf")
        self._consumers: list[tuple[Channel, str]] = []
        self._in_flight = 0
        self._stopping = False
        self._on_ready = on_ready
        self.was_open = False

    def run(self) -> None:
        """Block until the connection closes (broker gone, or ``stop`` was called)."""
        self._connection = pika.SelectConnection(
            self._params, on_open_callback=self._on_open,
            on_open_error_callback=lambda _c, err: self._halt(f"open failed: {err}"),
            on_close_callback=lambda _c, reason: self._halt(f"closed: {reason}"))
        self._connection.ioloop.start()

    def stop(self) -> None:
        """Thread-safe: stop consuming, let in-flight messages finish, then close."""
        self.call_soon(self._begin_stop)

    def call_soon(self, callback: Callable[[], None]) -> None:
        connection = self._connection
        try:
            if connection is not None and not connection.is_closed:
                connection.ioloop.add_callback_threadsafe(callback)
        except AMQPError:
            pass  # the connection is gone: the broker will redeliver what was unacked

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> None:
        """Schedule ``callback`` on the I/O thread while the connection is open."""
        if self._connection is not None and self._connection.is_open:
            self._connection.ioloop.call_later(delay_s, callback)

    def publish(self, exchange: str, routing_key: str, body: bytes,
                on_confirm: Callable[[bool], None], **properties: Any) -> bool:
        """Publish persistently on the confirming channel (I/O thread only)."""
        if self._publisher is None or not self._publisher.is_open:
            return False
        props = BasicProperties(content_type=CONTENT_TYPE, delivery_mode=PERSISTENT,
                                **properties)
        self._publisher.basic_publish(exchange, routing_key, body, props)
        self._confirms.sent(on_confirm)
        return True

    def _on_open(self, connection: Any) -> None:
        self.was_open = True
        connection.channel(on_open_callback=self._on_publisher_open)

    def _on_publisher_open(self, channel: Channel) -> None:
        self._use_publisher(channel)
        assert self._connection is not None
        for processor in self._processors:
            self._connection.channel(on_open_callback=partial(self._start_consuming, processor))
        self.call_later(1.0, self._tick)
        self._relay.start()

    def _start_consuming(self, processor: Processor, channel: Channel) -> None:
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_cancel_callback(lambda _frame: self._halt("consumer cancelled by broker"))
        consume = partial(channel.basic_consume, processor.worker.queue,
                          partial(self._on_message, processor))
        channel.basic_qos(prefetch_count=self._settings.prefetch,
                          callback=lambda _f: self._consuming(channel, consume()))
        log.info("amqp.consuming", service=processor.worker.name, queue=processor.worker.queue)

    def _consuming(self, channel: Channel, consumer_tag: str) -> None:
        self._consumers.append((channel, consumer_tag))
        if len(self._consumers) == len(self._processors):
            self._on_ready()

    def _on_message(self, processor: Processor, channel: Channel, method: Basic.Deliver,
                    props: BasicProperties, body: bytes) -> None:
        delivery = Delivery(body=body, routing_key=method.routing_key or "",
                            exchange=method.exchange or "", content_type=props.content_type,
                            headers=dict(props.headers or {}),
                            reply_to=props.reply_to, correlation_id=props.correlation_id,
                            redelivered=bool(method.redelivered))
        self._in_flight += 1
        future = self._executors[processor.worker.name].submit(processor.process, delivery)
        tag = int(method.delivery_tag or 0)
        future.add_done_callback(lambda f: self.call_soon(
            partial(self._settle, processor, channel, tag, delivery, f)))

    def _settle(self, processor: Processor, channel: Channel, tag: int, delivery: Delivery,
                future: Future[Outcome]) -> None:
        self._in_flight -= 1
        if not channel.is_open:
            return  # redelivered on the next connection; the inbox makes that harmless
        try:
            outcome = future.result()
        except Exception as exc:
            log.error("message.unsettled", service=processor.worker.name, error=describe(exc))
            channel.basic_nack(tag, requeue=True)
            return
        settlement = settle(outcome, delivery, processor.worker)
        if settlement.copy is not None:
            copy = settlement.copy
            if not self.publish(copy.exchange, copy.routing_key, copy.body,
                                partial(_ack_after_copy, channel, tag), headers=copy.headers):
                channel.basic_nack(tag, requeue=True)
            return
        channel.basic_ack(tag)
        self._relay.publish_committed(processor, settlement.committed)
        if settlement.reply is not None:
            reply = settlement.reply
            self.publish(reply.exchange, reply.routing_key, reply.body, lambda _ok: None,
                         correlation_id=reply.correlation_id)

    def _use_publisher(self, channel: Channel) -> None:
        channel.add_on_close_callback(self._on_publisher_closed)
        channel.confirm_delivery(partial(self._on_confirm, channel))
        self._publisher = channel

    def _on_confirm(self, channel: Channel, frame: Any) -> None:
        if channel is not self._publisher:
            return  # a replaced channel's late answer: its confirms were counted failed
        method = frame.method
        stored = isinstance(method, Basic.Ack)
        self._confirms.confirmed(method.delivery_tag, bool(method.multiple), stored)
        if not stored:
            self._renew_publisher("the broker nacked a publish")

    def _tick(self) -> None:
        if self._confirms.expire(self._settings.confirm_timeout_s):
            self._renew_publisher("a publish was not confirmed in time")
        self.call_later(1.0, self._tick)

    def _renew_publisher(self, why: str) -> None:
        """Open a new confirming channel to replace the current one (see the module's doc)."""
        connection = self._connection
        now = time.monotonic()
        if (self._renewing or self._stopping or now - self._renewed_at < RENEW_EVERY_S
                or connection is None or not connection.is_open):
            return
        self._renewing, self._renewed_at = True, now
        log.warning("amqp.publisher_renewed", reason=why)
        connection.channel(on_open_callback=self._on_renewed_publisher)

    def _on_renewed_publisher(self, channel: Channel) -> None:
        old = self._publisher
        self._renewing = False
        self._use_publisher(channel)
        self._confirms.fail_all()
        if old is not None and old.is_open:
            old.close()

    def _begin_stop(self) -> None:
        self._stopping = True
        for channel, consumer_tag in self._consumers:
            if channel.is_open:
                channel.basic_cancel(consumer_tag)
        self._close_when_drained(deadline_ticks=100)

    def _close_when_drained(self, deadline_ticks: int) -> None:
        busy = self._in_flight or len(self._confirms) or self._relay.busy()
        if busy and deadline_ticks > 0 and self._connection is not None:
            self._connection.ioloop.call_later(
                0.1, partial(self._close_when_drained, deadline_ticks - 1))
            return
        self._relay.flush_confirmed()
        if self._connection is not None and self._connection.is_open:
            self._connection.close()

    def _on_publisher_closed(self, channel: Channel, reason: Exception) -> None:
        if channel is self._publisher:  # a replaced confirming channel closes quietly
            self._on_channel_closed(channel, reason)

    def _on_channel_closed(self, channel: Channel, reason: Exception) -> None:
        if not self._stopping:
            self._halt(f"channel {channel.channel_number} closed: {reason}")

    def _halt(self, why: str) -> None:
        if not self._stopping:
            log.warning("amqp.connection_lost", reason=why)
        connection = self._connection
        if connection is None:
            return
        if connection.is_open:
            connection.close()
        elif connection.is_closed:
            connection.ioloop.stop()


def _ack_after_copy(channel: Channel, tag: int, ok: bool) -> None:
    """The retry or dead-letter copy is safe in the broker: only now drop the original."""
    if not channel.is_open:
        return
    if ok:
        channel.basic_ack(tag)
    else:
        channel.basic_nack(tag, requeue=True)
