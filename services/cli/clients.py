"""How the CLI talks to the system: in-process, or to RabbitMQ through kombu.

kombu is the synchronous client of short-lived tools (submit, status query), where its
connection retry policy and simple request/reply queues fit; the long-running workers use
pika's asynchronous adapter instead (see docs/decisions/0001-amqp-libraries.md).
"""

from __future__ import annotations

import json
import uuid
from typing import Protocol

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent
from contracts.status import StatusQuery, StatusReply
from services.runtime.amqp.connection import broker_url, kombu_options
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.settings import Settings

CLI_SOURCE = "urn:dsr:cli"


class BusClient(Protocol):
    def publish(self, event: CloudEvent) -> None: ...

    def status(self, reference: str) -> StatusReply | None: ...


def status_query(reference: str) -> CloudEvent:
    return CloudEvent.wrap(StatusQuery(reference=reference), source=CLI_SOURCE,
                           subject=reference)


class EmbeddedClient:
    """Publishes into the in-process bus and runs the workers until they are idle."""

    REPLY_QUEUE = "dsr.cli.replies"

    def __init__(self, bus: EmbeddedBus) -> None:
        self._bus = bus
        bus.broker.declare_queue(self.REPLY_QUEUE)

    def publish(self, event: CloudEvent) -> None:
        self.publish_raw(event.to_json(), event.type)

    def publish_raw(self, body: bytes, routing_key: str) -> None:
        self._bus.broker.publish(EVENTS_EXCHANGE, routing_key, body)
        self._bus.run_until_idle()

    def status(self, reference: str) -> StatusReply | None:
        query = status_query(reference)
        correlation = str(uuid.uuid4())
        self._bus.broker.publish(EVENTS_EXCHANGE, query.type, query.to_json(),
                                 reply_to=self.REPLY_QUEUE, correlation_id=correlation)
        self._bus.run_until_idle()
        while (reply := self._bus.broker.take(self.REPLY_QUEUE)) is not None:
            if reply.correlation_id == correlation:
                return StatusReply.model_validate(json.loads(reply.body)["data"])
        return None


class KombuClient:
    """A short-lived RabbitMQ client: confirmed publish, and request/reply for status.

    It declares nothing but its own reply queue (``dsr.cli.*``): its broker user (the call
    centre's, the back office's, the clock's) may not configure the exchanges.
    """

    def __init__(self, url: str, timeout_s: float = 10.0,
                 options: dict[str, object] | None = None) -> None:
        self._url = url
        self._timeout_s = timeout_s
        self._options = options or {}

    @classmethod
    def from_settings(cls, settings: Settings) -> KombuClient:
        return cls(broker_url(settings), options=kombu_options(settings))

    def publish(self, event: CloudEvent) -> None:
        from kombu.connection import Connection
        from kombu.entity import Exchange
        from kombu.messaging import Producer

        exchange = Exchange(EVENTS_EXCHANGE, type="topic", durable=True)
        with Connection(self._url, transport_options={"confirm_publish": True},
                        **self._options) as conn:
            producer = Producer(conn.default_channel, exchange=exchange, auto_declare=False)
            producer.publish(event.to_json(), routing_key=event.type, content_type=CONTENT_TYPE,
                             content_encoding="binary", delivery_mode=2, retry=True,
                             retry_policy={"max_retries": 5, "interval_start": 0.5})

    def status(self, reference: str) -> StatusReply | None:
        from kombu.connection import Connection
        from kombu.entity import Exchange, Queue
        from kombu.messaging import Consumer, Producer

        query = status_query(reference)
        correlation = str(uuid.uuid4())
        replies: list[StatusReply] = []
        with Connection(self._url, **self._options) as conn:
            channel = conn.default_channel
            reply_queue = Queue(f"dsr.cli.{correlation}", exclusive=True, auto_delete=True,
                                durable=False)

            def on_reply(body: object, message: object) -> None:
                if getattr(message, "properties", {}).get("correlation_id") == correlation:
                    payload = json.loads(body if isinstance(body, bytes | str) else b"{}")
                    replies.append(StatusReply.model_validate(payload["data"]))
                message.ack()  # type: ignore[attr-defined]

            with Consumer(channel, queues=[reply_queue], callbacks=[on_reply],
                          accept=[CONTENT_TYPE, "application/json"], no_ack=False):
                Producer(channel, exchange=Exchange(EVENTS_EXCHANGE, type="topic"),
                         auto_declare=False).publish(
                    query.to_json(), routing_key=query.type, content_type=CONTENT_TYPE,
                    content_encoding="binary", reply_to=reply_queue.name,
                    correlation_id=correlation, declare=[reply_queue])
                while not replies:
                    conn.drain_events(timeout=self._timeout_s)
        return replies[0] if replies else None
