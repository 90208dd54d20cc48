"""Publish what handlers committed to their outbox, and forget it once the broker confirms.

Rows are published right after their transaction commits; a sweep republishes any row left
unconfirmed (a crash between commit and publish, a lost connection). Consumers deduplicate by
event id, so publishing a row twice is harmless; never publishing it is not. A confirmed row
is deleted by the worker's next transaction, or, when no message comes within a flush period,
by a deletion of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import Any, Protocol

from services.runtime.delivery import PublishedRecord
from services.runtime.outbox import outbox_of, sweep_cutoff
from services.runtime.processor import Processor

FLUSH_EVERY_S = 0.25
SWEEP_GRACE_S = 5.0


class Publisher(Protocol):
    def publish(self, exchange: str, routing_key: str, body: bytes,
                on_confirm: Callable[[bool], None], **properties: Any) -> bool: ...

    def call_later(self, delay_s: float, callback: Callable[[], None]) -> None: ...

    def call_soon(self, callback: Callable[[], None]) -> None: ...


class OutboxRelay:
    def __init__(self, processors: Sequence[Processor],
                 executors: dict[str, ThreadPoolExecutor], publisher: Publisher,
                 sweep_every_s: float = 2.0) -> None:
        self._processors = {p.worker.name: p for p in processors}
        self._executors = executors
        self._publisher = publisher
        self._sweep_every_s = sweep_every_s
        self._in_flight: dict[str, set[int]] = {name: set() for name in self._processors}
        self._forgetting: set[str] = set()  # workers with a deletion queued on their thread

    def start(self) -> None:
        self._sweep()
        self._flush_loop()

    def busy(self) -> bool:
        return any(self._in_flight.values())

    def publish_committed(self, processor: Processor, records: Sequence[PublishedRecord]) -> None:
        name = processor.worker.name
        for record in records:
            if record.outbox_id in self._in_flight[name]:
                continue
            sent = self._publisher.publish(record.exchange, record.routing_key, record.body,
                                           partial(self._on_confirm, name, record.outbox_id))
            if sent:
                self._in_flight[name].add(record.outbox_id)

    def flush_confirmed(self) -> None:
        """Queue a deletion of the confirmed rows on each worker's thread that holds some; a
        message queued before it takes them into its own transaction first."""
        for name, processor in self._processors.items():
            if len(processor.confirmed) and name not in self._forgetting:
                self._forgetting.add(name)
                future = self._executors[name].submit(processor.forget_confirmed)
                future.add_done_callback(partial(self._forgotten, name))

    def _forgotten(self, name: str, _future: Future[None]) -> None:
        self._forgetting.discard(name)

    def _on_confirm(self, name: str, outbox_id: int, ok: bool) -> None:
        self._in_flight[name].discard(outbox_id)
        if ok:
            self._processors[name].confirmed.add(outbox_id)

    def _flush_loop(self) -> None:
        self.flush_confirmed()
        self._publisher.call_later(FLUSH_EVERY_S, self._flush_loop)

    def _sweep(self) -> None:
        cutoff = sweep_cutoff(datetime.now(UTC), SWEEP_GRACE_S)
        for name, processor in self._processors.items():
            outbox = outbox_of(processor.worker.tables)
            future = self._executors[name].submit(outbox.pending, processor.engine, cutoff)
            future.add_done_callback(partial(self._sweep_done, processor))
        self._publisher.call_later(self._sweep_every_s, self._sweep)

    def _sweep_done(self, processor: Processor, future: Future[list[PublishedRecord]]) -> None:
        if future.exception() is None:
            records = future.result()
            self._publisher.call_soon(partial(self.publish_committed, processor, records))
