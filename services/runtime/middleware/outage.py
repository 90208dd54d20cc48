"""Middleware: a database that cannot be reached is no fault of the message.

The delivery is retried, without counting the attempt, until the database answers again; any
other database error is left to ``Retries``.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from services.runtime.delivery import Delivery, Outcome, Retry
from services.runtime.pipeline import Process
from services.runtime.settings import Settings


class DatabaseOutage:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def __call__(self, delivery: Delivery, call_next: Process) -> Outcome:
        try:
            return call_next(delivery)
        except DBAPIError as exc:
            if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
                raise
            reason = f"database unavailable: {type(exc.orig).__name__}"
            return Retry(self._settings.retry_delay_ms(delivery.attempt), reason)
