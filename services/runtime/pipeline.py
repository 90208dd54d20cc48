"""The two layers of middleware a processor runs, after dramatiq's one-concern-per-module.

- *Delivery middleware* wraps the handling of one delivery and may turn what happened into an
  outcome: ``Retries`` (retry or dead-letter), ``DatabaseOutage``, ``TimeLimit``, the log line,
  the metrics. ``(delivery, call_next) -> Outcome``.
- *Handler middleware* (a guard) wraps the handler's call inside the unit of work, once the
  message is parsed and routed: ``SignatureCheck``, ``PublicationCheck``. It raises ``Refused``
  to refuse, and the unit of work rolls back. ``(call, call_next) -> the handler's answer``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contracts.envelope import CloudEvent
from services.runtime.delivery import Delivery, Outcome
from services.runtime.deps import Deps
from services.runtime.routing import Route

Process = Callable[[Delivery], Outcome]
Middleware = Callable[[Delivery, Process], Outcome]


@dataclass(frozen=True)
class HandlerCall:
    """One call of a handler: ``run`` calls it; ``route`` is None for ``on_invalid``."""

    route: Route | None
    event: CloudEvent | None
    deps: Deps
    run: Callable[[], object]


Call = Callable[[HandlerCall], object]
Guard = Callable[[HandlerCall, Call], object]


def chain(layers: list[Middleware], core: Process) -> Process:
    for layer in reversed(layers):
        core = _bind(layer, core)
    return core


def guarded(guards: list[Guard]) -> Call:
    call: Call = _run
    for guard in reversed(guards):
        call = _bind_guard(guard, call)
    return call


def _run(call: HandlerCall) -> object:
    return call.run()


def _bind(layer: Middleware, inner: Process) -> Process:
    return lambda delivery: layer(delivery, inner)


def _bind_guard(guard: Guard, inner: Call) -> Call:
    return lambda call: guard(call, inner)
