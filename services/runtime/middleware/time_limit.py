"""Middleware: a handler that runs past ``DSR_HANDLER_TIME_LIMIT_S`` is interrupted.

Each worker handles its messages on one thread, so a hung handler would stop the worker. A
monitor thread raises ``TimeLimitExceeded`` in the handler's thread once its deadline passes
(``PyThreadState_SetAsyncExc``, as dramatiq's ``TimeLimit`` does); the unit of work rolls
back and the processor retries the message like any other failure, then dead-letters it.
The exception lands when the thread next runs Python code: a call blocked inside a C library
is interrupted when it returns (database calls are bounded by their own timeouts).
"""

from __future__ import annotations

import ctypes
import threading
import time

from services.runtime.delivery import Delivery, Outcome
from services.runtime.errors import RetryLater
from services.runtime.pipeline import Process


class TimeLimitExceeded(RetryLater):
    """The handler ran past the worker's time limit and was interrupted."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(args or ("the handler ran past its time limit and was interrupted",)))


class TimeLimit:
    def __init__(self, limit_s: float, check_every_s: float = 0.1) -> None:
        self._limit_s = limit_s
        self._check_every_s = min(check_every_s, limit_s / 4)
        self._deadlines: dict[int, float] = {}  # thread id -> monotonic deadline
        self._lock = threading.Lock()
        self._monitor: threading.Thread | None = None

    def __call__(self, delivery: Delivery, call_next: Process) -> Outcome:
        self._start_monitor()
        thread_id = threading.get_ident()
        with self._lock:
            self._deadlines[thread_id] = time.monotonic() + self._limit_s
        try:
            return call_next(delivery)
        finally:
            with self._lock:
                self._deadlines.pop(thread_id, None)

    def _start_monitor(self) -> None:
        with self._lock:
            if self._monitor is None:
                self._monitor = threading.Thread(target=self._watch, name="time-limit",
                                                 daemon=True)
                self._monitor.start()

    def _watch(self) -> None:
        while True:
            time.sleep(self._check_every_s)
            now = time.monotonic()
            with self._lock:
                late = [tid for tid, deadline in self._deadlines.items() if deadline <= now]
                for thread_id in late:
                    del self._deadlines[thread_id]
                    _raise_in(thread_id, TimeLimitExceeded)


def _raise_in(thread_id: int, error: type[BaseException]) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(error))
