"""A gateway's contracted throughput, held by every thread of a delivery process.

An SMSC counts submit_sm per second (and answers ESME_RTHROTTLED past its contract); an SMTP
relay counts messages per minute. ``Pace(limit, seconds)`` lets at most ``limit`` sends start
in any window of ``seconds`` (it remembers when the last ``limit`` started), and never two
closer than 80 % of their mean interval, so a pause is caught up without a burst at the
gateway. This is the pace of the one delivery process SQLite allows; delivery replicas on
PostgreSQL share theirs through the database (``shared_pace.py``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

SPACING = 0.8  # of the mean interval: the closest two sends may be
GUARD_S = 0.03  # an SMSC counts arrivals per second: 3 % of it for the commit's jitter


class Pace:
    def __init__(self, limit: float, seconds: float = 1.0, guard_s: float = 0.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        rate = limit / seconds
        self._count = max(1, math.floor(limit))
        # a fractional limit: the window that fits it; ``guard_s`` absorbs the jitter between
        # taking a slot and the send reaching the gateway (a commit lies between them)
        self._seconds = self._count / rate + guard_s
        self._spacing = SPACING / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._started: deque[float] = deque(maxlen=self._count)

    @classmethod
    def per_second(cls, rate: float) -> Pace:
        return cls(rate, 1.0, GUARD_S)

    @classmethod
    def per_minute(cls, rate: float) -> Pace:
        return cls(rate, 60.0)

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            slot = now
            if self._started:
                slot = max(slot, self._started[-1] + self._spacing)
            if len(self._started) == self._count:
                slot = max(slot, self._started[0] + self._seconds)
            self._started.append(slot)
        if slot > now:
            self._sleep(slot - now)
