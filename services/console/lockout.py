"""Lock-out after repeated failed sign-ins (pure): how many, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Lockout:
    attempts: int
    duration: timedelta

    def locked(self, locked_until: datetime | None, now: datetime) -> bool:
        return locked_until is not None and now < locked_until

    def after_failure(self, failures: int, now: datetime) -> tuple[int, datetime | None]:
        """The failure count after one more failure, and the lock's end when it is reached.

        The count starts again once a lock has been set: the next lock needs as many."""
        failures += 1
        if failures >= self.attempts:
            return 0, now + self.duration
        return failures, None
