"""How the CLI talks to the system: in-process, or to RabbitMQ through kombu.

kombu is the synchronous client of short-lived tools (submit, status query), where its
connection retry policy and simple request/reply queues fit; the long-running workers use
pika's asynchronous adapter instead (see docs/decisions/0001-amqp-libraries.md).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Protocol

from sqlalchemy import Engine

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent
from contracts.intake import RequestSubmitted
from contracts.status import QueryRefused, StatusChanged, StatusQuery, StatusReply
from services.cli.submission import Registration, registered_as
from services.intake.queries import rejection_of
from services.runtime.amqp.connection import broker_url, kombu_options
from services.runtime.clock import Clock, SystemClock
from services.runtime.memory_bus import EmbeddedBus
from services.runtime.settings import Settings

CLI_SOURCE = "urn:dsr:cli"
#: What a status query is answered: the state, or what was wrong with the query.
StatusAnswer = StatusReply | QueryRefused
#: "Now" for the commands that build no app (an app brings its own ``app.clock``).
CLOCK: Clock = SystemClock()


class BusClient(Protocol):
    clock: Clock

    def publish(self, event: CloudEvent) -> None: ...

    def submit(self, event: CloudEvent) -> Registration: ...

    def status(self, reference: str) -> StatusAnswer | None: ...

    def ask(self, query: CloudEvent) -> StatusAnswer | None: ...


def status_query(reference: str) -> CloudEvent:
    """The query as typed: the intake worker, not the CLI, judges the reference."""
    readable = 0 < len(reference) <= 40 and reference.isprintable()
    return CloudEvent.wrap(StatusQuery.model_construct(reference=reference), source=CLI_SOURCE,
                           subject=reference if readable else None)


def status_answer(body: bytes | str) -> StatusAnswer:
    reply = json.loads(body)
    if reply.get("type") == QueryRefused.message_type:
        return QueryRefused.model_validate(reply["data"])
    return StatusReply.model_validate(reply["data"])


class EmbeddedClient:
    """Publishes into the in-process bus and runs the workers until they are idle."""

    REPLY_QUEUE = "dsr.cli.replies"

    def __init__(self, bus: EmbeddedBus, intake_engine: Engine, clock: Clock) -> None:
        self._bus = bus
        self._intake = intake_engine
        self.clock = clock
        bus.broker.declare_queue(self.REPLY_QUEUE)

    def publish(self, event: CloudEvent) -> None:
        self.publish_raw(event.to_json(), event.type)

    def submit(self, event: CloudEvent) -> Registration:
        """Publish an intake, run the workers, and read what intake made of it."""
        channel_reference = RequestSubmitted.model_validate(event.data).channel_reference
        earlier = registered_as(self._intake, channel_reference)
        self.publish(event)
        if earlier is not None:
            return Registration(channel_reference, earlier, duplicate=True)
        return Registration(channel_reference, registered_as(self._intake, channel_reference),
                            problems=rejection_of(self._intake, event.id))

    def publish_raw(self, body: bytes, routing_key: str) -> None:
        self._bus.broker.publish(EVENTS_EXCHANGE, routing_key, body)
        self._bus.run_until_idle()

    def status(self, reference: str) -> StatusAnswer | None:
        return self.ask(status_query(reference))

    def ask(self, query: CloudEvent) -> StatusAnswer | None:
        correlation = str(uuid.uuid4())
        self._bus.broker.publish(EVENTS_EXCHANGE, query.type, query.to_json(),
                                 reply_to=self.REPLY_QUEUE, correlation_id=correlation)
        self._bus.run_until_idle()
        while (reply := self._bus.broker.take(self.REPLY_QUEUE)) is not None:
            if reply.correlation_id == correlation:
                return status_answer(reply.body)
        return None


class KombuClient:
    """A short-lived RabbitMQ client: confirmed publish, and request/reply for status.

    It declares nothing but its own reply queue (``dsr.cli.*``): its broker user (the call
    centre's, the back office's, the clock's) may not configure the exchanges.
    """

    def __init__(self, url: str, timeout_s: float = 10.0,
                 options: dict[str, object] | None = None, clock: Clock | None = None) -> None:
        self._url = url
        self._timeout_s = timeout_s
        self._options = options or {}
        self.clock: Clock = clock or CLOCK

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

    def submit(self, event: CloudEvent) -> Registration:
        """Publish an intake and follow the status events until it is registered.

        A duplicate of an earlier intake registers nothing and publishes no status event:
        after the timeout the answer has no reference.
        """
        from kombu.connection import Connection
        from kombu.entity import Queue
        from kombu.messaging import Consumer

        channel_reference = RequestSubmitted.model_validate(event.data).channel_reference
        seen: list[StatusChanged] = []

        def on_status(body: object, message: object) -> None:
            status = json.loads(body if isinstance(body, bytes | str) else b"{}")
            # only the chain this intake started: a later status of an earlier intake with the
            # same channel reference is not this submission's registration
            if status.get("correlationid") == event.id:
                seen.append(StatusChanged.model_validate(status.get("data", {})))
            message.ack()  # type: ignore[attr-defined]

        with Connection(self._url, **self._options) as conn:
            channel = conn.default_channel
            follow = Queue(f"dsr.cli.{uuid.uuid4()}", exclusive=True, auto_delete=True,
                           durable=False)
            follow(channel).declare()  # its own queue only: the exchanges are not its to declare
            channel.queue_bind(follow.name, EVENTS_EXCHANGE, StatusChanged.message_type)
            with Consumer(channel, queues=[follow], callbacks=[on_status],
                          accept=[CONTENT_TYPE, "application/json"], no_ack=False):
                self.publish(event)
                deadline = time.monotonic() + self._timeout_s
                while not seen and time.monotonic() < deadline:
                    try:
                        conn.drain_events(timeout=max(0.1, deadline - time.monotonic()))
                    except TimeoutError:
                        break
        return Registration(channel_reference, seen[0].reference if seen else None)

    def status(self, reference: str) -> StatusAnswer | None:
        return self.ask(status_query(reference))

    def ask(self, query: CloudEvent) -> StatusAnswer | None:
        """Publish a query with a reply queue of its own and wait for its answer."""
        from kombu.connection import Connection
        from kombu.entity import Exchange, Queue
        from kombu.messaging import Consumer, Producer

        correlation = str(uuid.uuid4())
        replies: list[StatusAnswer] = []
        with Connection(self._url, **self._options) as conn:
            channel = conn.default_channel
            reply_queue = Queue(f"dsr.cli.{correlation}", exclusive=True, auto_delete=True,
                                durable=False)

            def on_reply(body: object, message: object) -> None:
                if getattr(message, "properties", {}).get("correlation_id") == correlation:
                    replies.append(status_answer(body if isinstance(body, bytes | str) else b"{}"))
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
