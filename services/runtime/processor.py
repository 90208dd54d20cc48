"""Handle one delivery for one worker, whatever bus it came from.

Parse the CloudEvents envelope, find the route, validate the payload, then, in one unit of
work: record it in the inbox (or skip it if the inbox has it), run the handler, and store
what the handler published in the outbox. The bus acks only after this returns ``Done``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine

from contracts.envelope import CloudEvent, Message
from contracts.intake import FieldProblem
from contracts.status import QueryRefused
from contracts.times import receipt_context
from services.runtime.clock import Clock
from services.runtime.delivery import DeadLetter, Delivery, Done, Outcome, Reply
from services.runtime.deps import Deps
from services.runtime.middleware import checks, policy
from services.runtime.middleware.context import bind_event
from services.runtime.outbox import Confirmed, outbox_of
from services.runtime.pipeline import Guard, HandlerCall, Middleware, Process, chain, guarded
from services.runtime.routing import Route, Worker
from services.runtime.settings import Settings
from services.runtime.unit_of_work import InboxKey, Seen, UnitOfWork
from services.runtime.validation import EnvelopeError, Problem, parse_envelope, problems_of

__all__ = ["Middleware", "Process", "Processor"]


class Processor:
    """``middleware`` wraps each delivery (default: ``policy``, retries and outages);
    ``guards`` wrap each handler call (default: the signature and publication checks)."""

    def __init__(
        self,
        worker: Worker,
        engine: Engine,
        settings: Settings,
        clock: Clock,
        middleware: Sequence[Middleware] | None = None,
        guards: Sequence[Guard] | None = None,
    ) -> None:
        self.worker = worker
        self.engine = engine
        self._settings = settings
        self._clock = clock
        layers = policy(settings) if middleware is None else list(middleware)
        self._chain = chain(layers, self._process)
        self._call = guarded(checks(worker, settings, clock) if guards is None else list(guards))
        self.confirmed = Confirmed()  # outbox rows the broker has: deleted by the next commit

    def process(self, delivery: Delivery) -> Outcome:
        return self._chain(delivery)

    def forget_confirmed(self) -> None:
        """Delete the confirmed outbox rows no message took into its transaction (the worker
        was idle); on the worker's own thread, as messages are."""
        ids = self.confirmed.take()
        try:
            outbox_of(self.worker.tables).forget_published(self.engine, ids)
        except BaseException:
            self.confirmed.put_back(ids)
            raise

    def _process(self, delivery: Delivery) -> Outcome:
        try:
            event = parse_envelope(delivery.body, delivery.content_type)
        except EnvelopeError as exc:
            return self._invalid(delivery, None, exc.raw, exc.problems)
        bind_event(event)
        if event.type != delivery.origin_routing_key:
            problem = f"is {event.type!r} but the message was routed as " \
                      f"{delivery.origin_routing_key!r}"
            return self._invalid(delivery, event, event.data, [("type", problem)])
        route = self.worker.route_for(event.type)
        if route is None:
            return DeadLetter(f"worker {self.worker.name!r} has no route for type {event.type!r}")
        try:
            message = route.message.model_validate(event.data, context=receipt_context(
                self._clock.now(), timedelta(seconds=self._settings.clock_skew_s)))
        except ValidationError as exc:
            return self._invalid(delivery, event, event.data, problems_of(exc, "data."))
        if route.replies is not None:
            return self._answer(route, event, message)
        return self._handle(route, event, message)

    def _handle(self, route: Route, event: CloudEvent, message: Message) -> Outcome:
        key = InboxKey.of(event)
        with UnitOfWork(self.engine, self.worker.tables, self._clock, self.confirmed) as uow:
            if (seen := uow.claim(self.worker.name, key)) is not Seen.NEW:
                return _already(seen, key)
            deps = self._deps(uow, event)
            self._call(HandlerCall(route, event, deps, lambda: route.handler(message, deps)))
            return Done(uow.commit(deps.outbox))

    def _answer(self, route: Route, event: CloudEvent, message: Message) -> Outcome:
        with UnitOfWork(self.engine, self.worker.tables, self._clock) as uow:
            deps = self._deps(uow, event)
            answer = self._call(HandlerCall(route, event, deps,
                                            lambda: route.handler(message, deps)))
        if not isinstance(answer, Message):
            return Done()
        reply = CloudEvent.wrap(answer, source=f"{self._settings.source}/{self.worker.name}",
                                subject=event.subject, time=self._clock.now())
        return Done(reply=Reply(reply))

    def _invalid(
        self,
        delivery: Delivery,
        event: CloudEvent | None,
        raw: dict[str, Any] | None,
        problems: list[Problem],
    ) -> Outcome:
        reason = "; ".join(f"{field}: {problem}" for field, problem in problems)
        route = self.worker.route_for(delivery.origin_routing_key)
        if route is not None and route.replies is not None:
            return self._refuse_query(delivery, reason, problems)
        if self.worker.on_invalid is None:
            return DeadLetter(f"invalid message: {reason}")
        key = InboxKey.of(event) if event else InboxKey.of_body(delivery.body)
        data = raw.get("data") if event is None and raw else raw
        with UnitOfWork(self.engine, self.worker.tables, self._clock, self.confirmed) as uow:
            if (seen := uow.claim(self.worker.name, key)) is not Seen.NEW:
                return _already(seen, key)
            deps = self._deps(uow, event)
            on_invalid = self.worker.on_invalid
            self._call(HandlerCall(None, event, deps, lambda: on_invalid(
                data if isinstance(data, dict) else None, problems, deps)))
            return Done(uow.commit(deps.outbox))

    def _refuse_query(self, delivery: Delivery, reason: str, problems: list[Problem]) -> Outcome:
        """Every query with a ``reply_to`` is answered; one that cannot be read, by its faults."""
        if not delivery.reply_to:
            return DeadLetter(f"invalid query, and no reply_to to answer: {reason}")
        refusal = QueryRefused(query_type=delivery.origin_routing_key[:200], problems=[
            FieldProblem(field=field, problem=problem) for field, problem in problems[:20]])
        reply = CloudEvent.wrap(refusal, source=f"{self._settings.source}/{self.worker.name}",
                                time=self._clock.now())
        return Done(reply=Reply(reply))

    def _deps(self, uow: UnitOfWork, event: CloudEvent | None) -> Deps:
        return Deps(db=uow.db, clock=self._clock, settings=self._settings,
                    service=self.worker.name, incoming=event)


def _already(seen: Seen, key: InboxKey) -> Outcome:
    """A redelivery does nothing twice; an id reused for another message is refused."""
    if seen is Seen.DUPLICATE:
        return Done(duplicate=True)
    return DeadLetter(f"event id {key.message_id!r} from source {key.source!r} was already "
                      "handled with different content: the sender reuses event ids; this "
                      "message was not applied")

