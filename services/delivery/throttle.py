"""A gateway's contracted throughput, held by every thread of a delivery process.

Each send waits for its own slot, ``1/rate`` after the previous one: no burst above the
contract even after a pause (an SMSC counts submit_sm per second and answers ESME_RTHROTTLED
past it). One delivery process per gateway account holds the contract; several share it by
dividing the rate (DSR_SMSC_TPS, DSR_SMTP_PER_MINUTE).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Slots:
    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            self._sleep(slot - now)
