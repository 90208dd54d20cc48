"""Handle one delivery for one worker, whatever bus it came from.

Parse the CloudEvents envelope, find the route, validate the payload, then, in one unit of
work: skip it if the inbox has seen it, run the handler, record it in the inbox, and store
what the handler published in the outbox. The bus acks only after this returns ``Done``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from contracts.envelope import COMMANDS_EXCHANGE, CloudEvent, Message
from contracts.intake import FieldProblem
from contracts.status import QueryRefused
from contracts.times import receipt_context
from services.runtime.clock import Clock
from services.runtime.delivery import DeadLetter, Delivery, Done, Outcome, Reply, Retry
from services.runtime.deps import Deps
from services.runtime.errors import Reject, RetryLater, describe
from services.runtime.middleware.context import bind_event
from services.runtime.routing import Route, Worker
from services.runtime.settings import Settings
from services.runtime.signing import check
from services.runtime.unit_of_work import InboxKey, Seen, UnitOfWork
from services.runtime.validation import EnvelopeError, Problem, parse_envelope, problems_of

Process = Callable[[Delivery], Outcome]
Middleware = Callable[[Delivery, Process], Outcome]


class Processor:
    def __init__(
        self,
        worker: Worker,
        engine: Engine,
        settings: Settings,
        clock: Clock,
        middleware: Sequence[Middleware] = (),
    ) -> None:
        self.worker = worker
        self.engine = engine
        self._settings = settings
        self._clock = clock
        self._chain = self._build_chain(middleware)

    def process(self, delivery: Delivery) -> Outcome:
        return self._chain(delivery)

    def _build_chain(self, middleware: Sequence[Middleware]) -> Process:
        chain: Process = self._guarded
        for layer in reversed(middleware):
            chain = _bind(layer, chain)
        return chain

    def _guarded(self, delivery: Delivery) -> Outcome:
        try:
            return self._process(delivery)
        except Reject as exc:
            return DeadLetter(f"rejected by handler: {exc}")
        except DBAPIError as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                # An outage is no fault of the message: retry without counting attempts.
                reason = f"database unavailable: {type(exc.orig).__name__}"
                return Retry(self._settings.retry_delay_ms(delivery.attempt), reason)
            return self._retry_or_give_up(delivery, exc)
        except (RetryLater, Exception) as exc:
            return self._retry_or_give_up(delivery, exc)

    def _retry_or_give_up(self, delivery: Delivery, exc: BaseException) -> Outcome:
        reason = describe(exc)
        if delivery.attempt >= self._settings.max_attempts:
            return DeadLetter(f"failed {delivery.attempt} times, last: {reason}")
        return Retry(self._settings.retry_delay_ms(delivery.attempt), reason)

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
        if route.exchange == COMMANDS_EXCHANGE:
            refused = check(event, self._settings.command_key, self._clock.now(),
                            timedelta(seconds=self._settings.command_max_age_s),
                            timedelta(seconds=self._settings.clock_skew_s))
            if refused is not None:
                return DeadLetter(refused)
        if route.replies:
            return self._answer(route, event, message)
        return self._handle(route, event, message)

    def _handle(self, route: Route, event: CloudEvent, message: Message) -> Outcome:
        key = InboxKey.of(event)
        with UnitOfWork(self.engine, self.worker.tables, self._clock) as uow:
            if (seen := uow.seen(self.worker.name, key)) is not Seen.NEW:
                return _already(seen, key)
            deps = self._deps(uow, event)
            route.handler(message, deps)
            self._check_publications(deps)
            return Done(uow.commit(self.worker.name, key, deps.outbox))

    def _answer(self, route: Route, event: CloudEvent, message: Message) -> Outcome:
        with UnitOfWork(self.engine, self.worker.tables, self._clock) as uow:
            answer = route.handler(message, self._deps(uow, event))
        if answer is None:
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
        if route is not None and route.replies:
            return self._refuse_query(delivery, reason, problems)
        if self.worker.on_invalid is None:
            return DeadLetter(f"invalid message: {reason}")
        key = InboxKey.of(event) if event else InboxKey.of_body(delivery.body)
        data = raw.get("data") if event is None and raw else raw
        with UnitOfWork(self.engine, self.worker.tables, self._clock) as uow:
            if (seen := uow.seen(self.worker.name, key)) is not Seen.NEW:
                return _already(seen, key)
            deps = self._deps(uow, event)
            self.worker.on_invalid(data if isinstance(data, dict) else None, problems, deps)
            self._check_publications(deps)
            return Done(uow.commit(self.worker.name, key, deps.outbox))

    def _refuse_query(self, delivery: Delivery, reason: str, problems: list[Problem]) -> Outcome:
        """Every query with a ``reply_to`` is answered; one that cannot be read, by its faults."""
        if not delivery.reply_to:
            return DeadLetter(f"invalid query, and no reply_to to answer: {reason}")
        refusal = QueryRefused(query_type=delivery.origin_routing_key[:200], problems=[
            FieldProblem(field=field, problem=problem) for field, problem in problems[:20]])
        reply = CloudEvent.wrap(refusal, source=f"{self._settings.source}/{self.worker.name}",
                                time=self._clock.now())
        return Done(reply=Reply(reply))

    def _check_publications(self, deps: Deps) -> None:
        """Refuse (roll back, dead-letter) what the worker's broker user may not publish."""
        for outgoing in deps.outbox:
            if not self.worker.may_publish(outgoing.exchange, outgoing.routing_key):
                raise Reject(f"worker {self.worker.name!r} may not publish "
                             f"{outgoing.routing_key!r} on {outgoing.exchange!r}; declare it in "
                             "the worker's routes.py (publishes=)")

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


def _bind(layer: Middleware, inner: Process) -> Process:
    return lambda delivery: layer(delivery, inner)
