"""Middleware: what a failed handler becomes ("nothing is lost").

``Reject`` is dead-lettered at once with its reason (a ``Refused`` check's reason as it is);
``RetryLater`` and any other exception are retried with backoff through the worker's delay
queue, then dead-lettered after ``DSR_MAX_ATTEMPTS`` with the last reason.
"""

from __future__ import annotations

from services.runtime.delivery import DeadLetter, Delivery, Outcome, Retry
from services.runtime.errors import Refused, Reject, describe
from services.runtime.pipeline import Process
from services.runtime.settings import Settings


class Retries:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, delivery: Delivery, call_next: Process) -> Outcome:
        try:
            return call_next(delivery)
        except Refused as exc:
            return DeadLetter(str(exc))
        except Reject as exc:
            return DeadLetter(f"rejected by handler: {exc}")
        except Exception as exc:
            reason = describe(exc)
            if delivery.attempt >= self._settings.max_attempts:
                return DeadLetter(f"failed {delivery.attempt} times, last: {reason}")
            return Retry(self._settings.retry_delay_ms(delivery.attempt), reason)
