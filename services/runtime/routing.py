"""A worker's route table: which messages it consumes and which plain function handles each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import MetaData

from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, Message
from services.runtime.deps import Deps
from services.runtime.topics import topic_matches

Handler = Callable[[Any, Deps], Message | None]
M = TypeVar("M", bound=Message)
InvalidHandler = Callable[[dict[str, Any] | None, list[tuple[str, str]], Deps], None]


@dataclass(frozen=True)
class Route:
    """Messages whose type matches ``binding`` on ``exchange`` go to ``handler``.

    A route whose ``replies`` names a message answers a request/reply query: the handler
    returns that message and it goes to the query's ``reply_to``; nothing is recorded in the
    inbox.
    """

    binding: str
    message: type[Message]
    handler: Handler
    exchange: str = EVENTS_EXCHANGE
    replies: type[Message] | None = None


def on(message: type[M], handler: Callable[[M, Deps], Message | None], *,
       replies: type[Message] | None = None) -> Route:
    """The usual route: ``message``'s type on its exchange, to a handler that takes it (mypy
    checks that the handler's first parameter is that message)."""
    return Route(binding=message.message_type, message=message, handler=handler,
                 exchange=message.exchange, replies=replies)


@dataclass(frozen=True)
class Publication:
    """Messages a worker may publish: a topic ``pattern`` of types on ``exchange``."""

    exchange: str
    pattern: str

    def allows(self, exchange: str, routing_key: str) -> bool:
        return exchange == self.exchange and topic_matches(self.pattern, routing_key)


def publishes(*messages: type[Message]) -> tuple[Publication, ...]:
    """The exact types of ``messages``, each on its own exchange."""
    return tuple(Publication(m.exchange, m.message_type) for m in messages)


def commands(store: str, action: str) -> Publication:
    """Store commands ``backoffice.<store>.<action>.v1`` (``*`` for any store or action)."""
    return Publication(COMMANDS_EXCHANGE, f"backoffice.{store}.{action}.v1")


def store_results(store: str) -> Publication:
    """Every result a store answers with: ``backoffice.<store>.*.result.v1``."""
    return Publication(EVENTS_EXCHANGE, f"backoffice.{store}.*.result.v1")


@dataclass(frozen=True)
class Worker:
    """One worker (or store service): its name, its routes and its own tables.

    ``on_invalid`` lets a worker answer a message it cannot parse (intake publishes
    ``intake.request.rejected.v1``); without it such a message is dead-lettered.
    ``publishes`` is what its handlers may publish, declared beside its routes: the broker
    user of the worker may publish nothing else (``dsr topology``), the processor
    dead-letters a message whose handler tried, and the AsyncAPI document lists them.
    ``None`` (test workers) means undeclared and unchecked. ``tasks`` names the queues of
    the dramatiq actors the worker also runs (the delivery worker's gateways).
    """

    name: str
    routes: tuple[Route, ...]
    tables: MetaData
    on_invalid: InvalidHandler | None = None
    bindings_extra: tuple[tuple[str, str], ...] = field(default=())
    publishes: tuple[Publication, ...] | None = None
    tasks: tuple[str, ...] = ()  # queues of the dramatiq actors it runs (``dsr.tasks``)

    @property
    def queue(self) -> str:
        return f"dsr.{self.name}"

    @property
    def dead_letter_queue(self) -> str:
        return f"dsr.{self.name}.dlq"

    def bindings(self) -> list[tuple[str, str]]:
        """(exchange, binding key) pairs for the worker's queue."""
        pairs = [(r.exchange, r.binding) for r in self.routes]
        return list(dict.fromkeys([*pairs, *self.bindings_extra]))

    def may_publish(self, exchange: str, routing_key: str) -> bool:
        return self.publishes is None or any(p.allows(exchange, routing_key)
                                             for p in self.publishes)

    @property
    def answers_queries(self) -> bool:
        """It replies to ``reply_to`` through the default exchange (request/reply routes)."""
        return any(route.replies is not None for route in self.routes)

    def route_for(self, message_type: str) -> Route | None:
        return next((r for r in self.routes if topic_matches(r.binding, message_type)), None)
