"""Asynchronous publisher confirms: one callback per message, settled as the broker acks.

The broker may ack many messages with one frame (``multiple``); nothing here blocks, so a
batch of publishes costs one round trip, not one each.
"""

from __future__ import annotations

import time
from collections.abc import Callable

ConfirmCallback = Callable[[bool], None]


class ConfirmTracker:
    def __init__(self) -> None:
        self._last_tag = 0
        self._waiting: dict[int, tuple[float, ConfirmCallback]] = {}

    def __len__(self) -> int:
        return len(self._waiting)

    def sent(self, callback: ConfirmCallback) -> None:
        """Call right after each ``basic_publish`` on the confirming channel."""
        self._last_tag += 1
        self._waiting[self._last_tag] = (time.monotonic(), callback)

    def confirmed(self, tag: int, multiple: bool, ok: bool) -> None:
        tags = [t for t in self._waiting if t <= tag] if multiple else [tag]
        for settled in tags:
            entry = self._waiting.pop(settled, None)
            if entry is not None:
                entry[1](ok)

    def fail_all(self) -> None:
        """The confirming channel is being replaced: every confirm still awaited is a failure,
        and the next channel numbers its publishes from 1 again."""
        waiting, self._waiting, self._last_tag = self._waiting, {}, 0
        for _, callback in waiting.values():
            callback(False)

    def expire(self, timeout_s: float) -> int:
        """Treat confirms older than ``timeout_s`` as failures; return how many."""
        limit = time.monotonic() - timeout_s
        late = [t for t, (sent_at, _) in self._waiting.items() if sent_at < limit]
        for tag in late:
            self._waiting.pop(tag)[1](False)
        return len(late)
