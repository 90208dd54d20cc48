"""Structured JSON logs (structlog) and the middleware that logs every handled message."""

from __future__ import annotations

import logging
import sys
import time

import structlog

from services.runtime.delivery import DeadLetter, Delivery, Done, Outcome, Retry
from services.runtime.pipeline import Process
from services.runtime.redaction import redact


def configure_logging(level: str = "INFO", json: bool = True) -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


class LogOutcome:
    """Middleware: one log line per message with its outcome and duration; no payload."""

    def __init__(self, service: str) -> None:
        self._log = structlog.get_logger().bind(service=service)

    def __call__(self, delivery: Delivery, call_next: Process) -> Outcome:
        started = time.perf_counter()
        outcome = call_next(delivery)
        fields = {
            "message_type": delivery.origin_routing_key,
            "attempt": delivery.attempt,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if isinstance(outcome, Done):
            self._log.info("message.handled", outcome="duplicate" if outcome.duplicate else "ok",
                           published=len(outcome.to_publish), **fields)
        elif isinstance(outcome, Retry):
            self._log.warning("message.retry", reason=outcome.reason, delay_ms=outcome.delay_ms,
                              **fields)
        elif isinstance(outcome, DeadLetter):
            self._log.error("message.dead_lettered", reason=outcome.reason, **fields)
        return outcome
