"""Prometheus metrics of a worker process, served with its health check on localhost.

Counters and the latency histogram are fed by the ``CountOutcome`` middleware; the request
gauges (by state, past the internal target, past the due date) are read from the registry at
scrape time by ``RegistryCollector`` in the process that runs intake.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from services.runtime.delivery import Delivery, Done, Outcome, Retry
from services.runtime.pipeline import Process

REGISTRY = CollectorRegistry()
HANDLED = Counter("dsr_messages_handled_total", "Messages handled, by worker, type, outcome",
                  ["worker", "message_type", "outcome"], registry=REGISTRY)
LATENCY = Histogram("dsr_handler_seconds", "Time to handle one message",
                    ["worker", "message_type"], registry=REGISTRY,
                    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))


class CountOutcome:
    """Middleware: count each message by outcome and time its handling."""

    def __init__(self, worker: str) -> None:
        self._worker = worker

    def __call__(self, delivery: Delivery, call_next: Process) -> Outcome:
        started = time.perf_counter()
        outcome = call_next(delivery)
        kind = delivery.origin_routing_key
        LATENCY.labels(self._worker, kind).observe(time.perf_counter() - started)
        HANDLED.labels(self._worker, kind, _label(outcome)).inc()
        return outcome


def _label(outcome: Outcome) -> str:
    if isinstance(outcome, Done):
        return "duplicate" if outcome.duplicate else "ok"
    return "retry" if isinstance(outcome, Retry) else "dead_lettered"


class RegistryCollector(Collector):
    """Requests by state and by deadline, read from the intake registry when scraped."""

    def __init__(self, read: Callable[[datetime], dict[str, dict[str, int]]]) -> None:
        self._read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        figures = self._read(datetime.now(UTC))
        by_state = GaugeMetricFamily("dsr_requests", "Requests by state", labels=["state"])
        for state, count in figures["by_state"].items():
            by_state.add_metric([state], count)
        yield by_state
        for name, help_text in (("past_target", "Open requests past their internal target"),
                                ("past_due", "Open requests past their legal due date")):
            yield GaugeMetricFamily(f"dsr_requests_{name}", help_text,
                                    value=figures["deadlines"][name])


class DeadLetterCollector(Collector):
    def __init__(self, depths: Callable[[], dict[str, int]]) -> None:
        self._depths = depths

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("dsr_dead_letter_messages", "Messages in each dead-letter "
                                   "queue", labels=["worker"])
        try:
            for worker, depth in self._depths().items():
                family.add_metric([worker], depth)
        except Exception:
            pass
        yield family

