"""Handler middleware: the checks every handler call passes, inside its unit of work.

``SignatureCheck`` refuses a store command that is unsigned, altered, forged or stale before
its handler runs; ``PublicationCheck`` refuses (rolls back) what the handler published that
the worker's broker user may not publish, so a missing ``publishes=`` is found in tests, not
as a broker error in production.
"""

from __future__ import annotations

from datetime import timedelta

from contracts.envelope import COMMANDS_EXCHANGE
from services.runtime.clock import Clock
from services.runtime.errors import Refused
from services.runtime.pipeline import Call, HandlerCall
from services.runtime.routing import Worker
from services.runtime.settings import Settings
from services.runtime.signing import check


class SignatureCheck:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self._key = settings.command_key
        self._max_age = timedelta(seconds=settings.command_max_age_s)
        self._skew = timedelta(seconds=settings.clock_skew_s)
        self._clock = clock

    def __call__(self, call: HandlerCall, call_next: Call) -> object:
        if call.route is not None and call.route.exchange == COMMANDS_EXCHANGE:
            assert call.event is not None  # a routed call has its event
            refused = check(call.event, self._key, self._clock.now(), self._max_age,
                            self._skew)
            if refused is not None:
                raise Refused(refused)
        return call_next(call)


class PublicationCheck:
    def __init__(self, worker: Worker) -> None:
        self._worker = worker

    def __call__(self, call: HandlerCall, call_next: Call) -> object:
        answer = call_next(call)
        for outgoing in call.deps.outbox:
            if not self._worker.may_publish(outgoing.exchange, outgoing.routing_key):
                raise Refused(f"worker {self._worker.name!r} may not publish "
                             f"{outgoing.routing_key!r} on {outgoing.exchange!r}; declare it "
                             "in the worker's routes.py (publishes=)")
        return answer
