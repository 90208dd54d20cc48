"""What each worker's dead-letter queue holds, and sending messages back: ``dsr dlq`` and the
console's dead-letter page both use this.

Browsing takes messages without acknowledging them and closes the channel, so the broker puts
them back in order. A redriven message goes to the exchange and routing key it was first
published with, its attempt count reset, and leaves the dead-letter queue only once the
broker has confirmed the copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from dramatiq.common import xq_name
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.messaging import Producer
from pydantic import ValidationError
from sqlalchemy import Engine

from contracts.envelope import CONTENT_TYPE
from contracts.notification import TASK_QUEUES as QUEUE_OF_MEDIUM
from contracts.status import DeadLetterRedriven
from services.delivery.queries import records as delivery_records
from services.runtime.amqp.connection import broker_url, kombu_options
from services.runtime.delivery import (
    ATTEMPT_HEADER,
    ERROR_HEADER,
    ORIGIN_EXCHANGE_HEADER,
    ORIGIN_ROUTING_KEY_HEADER,
)
from services.runtime.routing import Worker
from services.runtime.settings import Settings
from services.runtime.tasks import TASKS_EXCHANGE
from services.workers import worker as worker_named

#: The delivery actors' dramatiq queues, whose dead letters are ``<queue>.XQ``.
TASK_QUEUES: tuple[str, ...] = tuple(QUEUE_OF_MEDIUM.values())


@dataclass(frozen=True)
class DeadLetter:
    position: int
    event_id: str
    event_type: str
    subject: str
    reason: str
    headers: dict[str, Any]
    body: bytes
    attempts: int | None = None  # a task's: how many times the actor tried it

    @property
    def origin(self) -> tuple[str, str]:
        """Where it was first published: our headers, else the broker's x-death record."""
        if ORIGIN_ROUTING_KEY_HEADER in self.headers:
            return (str(self.headers.get(ORIGIN_EXCHANGE_HEADER, "")),
                    str(self.headers[ORIGIN_ROUTING_KEY_HEADER]))
        death = (self.headers.get("x-death") or [{}])[0]
        keys = death.get("routing-keys") or [self.event_type]
        return str(death.get("exchange", "dsr.events")), str(keys[0])


def _reason(headers: dict[str, Any]) -> str:
    if ERROR_HEADER in headers:
        return str(headers[ERROR_HEADER])
    death = (headers.get("x-death") or [{}])[0]
    if death:
        return f"broker: {death.get('reason', '?')} after {death.get('count', '?')} deliveries"
    return "unknown"


def parse_letter(position: int, headers: dict[str, Any], body: bytes) -> DeadLetter:
    try:
        event = json.loads(body)
        event = event if isinstance(event, dict) else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        event = {}
    if "actor_name" in event:
        return _parse_task(position, headers, body, event)
    return DeadLetter(position, str(event.get("id", "?")), str(event.get("type", "?")),
                      str(event.get("subject") or ""), _reason(headers), headers, body)


def _parse_task(position: int, headers: dict[str, Any], body: bytes,
                message: dict[str, Any]) -> DeadLetter:
    """A dead dramatiq task (a notice for a gateway): known by its notice id; dramatiq keeps
    no reason in it, the delivery record does (``dsr dlq show`` reads it)."""
    args = message.get("args") or [{}]
    notice = args[0] if args and isinstance(args[0], dict) else {}
    options = message.get("options")
    retries = options.get("retries", 0) if isinstance(options, dict) else 0
    return DeadLetter(position, str(notice.get("notice_id", "?")),
                      str(message.get("actor_name", "?")), str(notice.get("reference", "")),
                      _reason(headers), headers, body,
                      attempts=(retries if isinstance(retries, int) else 0) + 1)


def target(name: str) -> Worker | str:
    """A worker by its name, or one of the delivery actors' queues (a dramatiq queue)."""
    return name if name in TASK_QUEUES else worker_named(name)


def with_reasons(letters: list[DeadLetter], delivery: Engine) -> list[DeadLetter]:
    """Dead tasks with the reason their delivery record gives (dramatiq keeps none in the
    message): the notice's failure, else its state."""
    found = {r["notice_id"]: r["reason"] or r["state"]
             for r in delivery_records(delivery, [letter.event_id for letter in letters])}
    return [replace(letter, reason=found.get(letter.event_id, letter.reason))
            for letter in letters]


class DeadLetterQueues:
    """kombu, like the other short-lived tools (docs/decisions/0001-amqp-libraries.md)."""

    def __init__(self, url: str, options: dict[str, object] | None = None) -> None:
        self._url = url
        self._options = options or {}

    @classmethod
    def from_settings(cls, settings: Settings) -> DeadLetterQueues:
        return cls(broker_url(settings), kombu_options(settings))

    def depths(self, workers: list[Worker]) -> dict[str, int]:
        """Per worker, and per dramatiq actor queue a worker runs (``delivery.sms``, …)."""
        with Connection(self._url, **self._options) as conn:
            depths = {w.name: _queue(conn, w).queue_declare(passive=True).message_count
                      for w in workers}
            depths |= {task: _queue(conn, task).queue_declare(passive=True).message_count
                       for w in workers for task in w.tasks}
            return depths

    def browse(self, worker: Worker | str, limit: int = 50) -> list[DeadLetter]:
        with Connection(self._url, **self._options) as conn:
            queue, found = _queue(conn, worker), []
            for position in range(1, limit + 1):
                message = queue.get(no_ack=False)
                if message is None:
                    break
                found.append(parse_letter(position, dict(message.headers or {}), message.body))
            return found  # closing the connection unacked puts them all back, in order

    def redrive(self, worker: Worker | str, event_ids: set[str] | None) -> int:
        """Send back the chosen messages (all when ``event_ids`` is None); return how many."""
        return len(self.redriven(worker, event_ids))

    def redriven(self, worker: Worker | str, event_ids: set[str] | None
                 ) -> list[DeadLetter]:
        """Send back the chosen messages (all when ``event_ids`` is None); return them."""
        moved: list[DeadLetter] = []
        with Connection(self._url, transport_options={"confirm_publish": True},
                        **self._options) as conn:
            queue = _queue(conn, worker)
            producer = Producer(conn.default_channel)
            for _ in range(queue.queue_declare(passive=True).message_count):
                message = queue.get(no_ack=False)
                if message is None:
                    break
                letter = parse_letter(0, dict(message.headers or {}), message.body)
                if event_ids is not None and letter.event_id not in event_ids:
                    continue
                if isinstance(worker, str):  # a dramatiq task: back onto its actor's queue
                    producer.publish(fresh_task(letter.body), exchange=TASKS_EXCHANGE,
                                     routing_key=worker, delivery_mode=2,
                                     content_encoding="binary")
                else:
                    exchange, routing_key = letter.origin
                    producer.publish(letter.body, exchange=exchange, routing_key=routing_key,
                                     headers=fresh_headers(letter), delivery_mode=2,
                                     content_type=CONTENT_TYPE, content_encoding="binary")
                message.ack()  # the copy is confirmed (confirm_publish): now drop it
                moved.append(letter)
        return moved


def fresh_headers(letter: DeadLetter) -> dict[str, Any]:
    headers = {k: v for k, v in letter.headers.items() if k not in (ERROR_HEADER, "x-death")}
    return {**headers, ATTEMPT_HEADER: 1}


def fresh_task(body: bytes) -> bytes:
    """The task with its retries reset (dramatiq counts them in the message's options) and
    marked redriven: the operator asks for a notice that failed to be sent again."""
    message = json.loads(body)
    message["options"] = {"redriven": True}
    return json.dumps(message, separators=(",", ":")).encode()


def _queue(conn: Connection, worker: Worker | str) -> Queue:
    """A worker's dead-letter queue, or a dramatiq actor queue's (``<queue>.XQ``)."""
    name = xq_name(worker) if isinstance(worker, str) else worker.dead_letter_queue
    return Queue(name, channel=conn.default_channel, no_declare=True)


def redriven_event(worker: str, letter: DeadLetter, by: str) -> DeadLetterRedriven:
    """What the audit chain records of a redrive: which message, whose queue, who sent it
    back, and the request it concerns when its subject is one."""
    fields = {"worker": worker, "event_id": letter.event_id[:200] or "?",
              "event_type": letter.event_type[:200] or "?", "redriven_by": by}
    try:
        return DeadLetterRedriven(**fields, reference=letter.subject or None)
    except ValidationError:  # a subject that is not a request's reference
        return DeadLetterRedriven(**fields)
