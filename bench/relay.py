"""The ceiling: a no-op relay chain on RabbitMQ with the saga's durability settings.

``hops`` quorum queues; a consumer on each republishes every message, persistent and with an
asynchronous publisher confirm, to the next queue and acks the original once the copy is
confirmed (the workers' own rule). No database, no parsing: only broker and client cost.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

import pika
from pika.channel import Channel
from pika.spec import Basic, BasicProperties

PERSISTENT = BasicProperties(delivery_mode=2, content_type="application/cloudevents+json")


def _queue(hop: int) -> str:
    return f"bench.relay.{hop}"


def prepare(url: str, hops: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for hop in range(hops + 1):
        channel.queue_delete(_queue(hop))
        channel.queue_declare(_queue(hop), durable=True, arguments={"x-queue-type": "quorum"})
    connection.close()


class Relay:
    """Runs the chain on one SelectConnection in a background thread."""

    def __init__(self, url: str, hops: int, prefetch: int = 64) -> None:
        self._params = pika.URLParameters(url)
        self._hops = hops
        self._prefetch = prefetch
        self._pending: dict[int, tuple[Channel, int]] = {}
        self._tag = 0
        self._publisher: Channel | None = None
        self.ready = threading.Event()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._connection.ioloop.add_callback_threadsafe(self._connection.close)

    def _run(self) -> None:
        self._connection = pika.SelectConnection(self._params, on_open_callback=self._opened)
        self._connection.ioloop.start()

    def _opened(self, connection: Any) -> None:
        connection.channel(on_open_callback=self._publisher_open)

    def _publisher_open(self, channel: Channel) -> None:
        self._publisher = channel
        channel.confirm_delivery(self._confirmed)
        for hop in range(self._hops):
            self._connection.channel(on_open_callback=partial(self._consume, hop))

    def _consume(self, hop: int, channel: Channel) -> None:
        channel.basic_qos(prefetch_count=self._prefetch)
        channel.basic_consume(_queue(hop), partial(self._relay, hop))
        if hop == self._hops - 1:
            self.ready.set()

    def _relay(self, hop: int, channel: Channel, method: Basic.Deliver, _props: Any,
               body: bytes) -> None:
        assert self._publisher is not None
        self._publisher.basic_publish("", _queue(hop + 1), body, PERSISTENT)
        self._tag += 1
        self._pending[self._tag] = (channel, int(method.delivery_tag or 0))

    def _confirmed(self, frame: Any) -> None:
        tag, multiple = frame.method.delivery_tag, frame.method.multiple
        for settled in [t for t in self._pending if t <= tag] if multiple else [tag]:
            channel, delivery_tag = self._pending.pop(settled)
            channel.basic_ack(delivery_tag)


def measure(url: str, hops: int, messages: int, body: bytes) -> float:
    """Messages per second through the whole chain (first publish to last arrival)."""
    prepare(url, hops)
    relay = Relay(url, hops)
    thread = relay.start()
    relay.ready.wait(30)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    started = time.perf_counter()
    for _ in range(messages):
        channel.basic_publish("", _queue(0), body, PERSISTENT)
    while (channel.queue_declare(_queue(hops), passive=True).method.message_count or 0) \
            < messages:
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    connection.close()
    relay.stop()
    thread.join(10)
    return messages / elapsed
