"""Cross-cutting behaviour around every handled message, one concern per module (as dramatiq).

The stacks are composed here, the one place that says in which order they run.
"""

from __future__ import annotations

from services.runtime.clock import Clock
from services.runtime.middleware.guards import PublicationCheck, SignatureCheck
from services.runtime.middleware.outage import DatabaseOutage
from services.runtime.middleware.retries import Retries
from services.runtime.pipeline import Guard, Middleware
from services.runtime.routing import Worker
from services.runtime.settings import Settings


def policy(settings: Settings, *inner: Middleware) -> list[Middleware]:
    """What a failure becomes: ``Retries`` outermost, then ``DatabaseOutage`` (an outage is
    retried without counting), then ``inner`` (the time limit), closest to the handler."""
    return [Retries(settings), DatabaseOutage(settings), *inner]


def checks(worker: Worker, settings: Settings, clock: Clock) -> list[Guard]:
    """Every handler call: the command's signature before it, the publications after it."""
    return [SignatureCheck(settings, clock), PublicationCheck(worker)]
