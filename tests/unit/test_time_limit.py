"""A handler that hangs is interrupted at the worker's time limit; the worker goes on."""

from __future__ import annotations

import time
from typing import ClassVar

from contracts.envelope import CloudEvent, Message
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine, service_metadata
from services.runtime.delivery import DeadLetter, Delivery, Done, Retry
from services.runtime.deps import Deps
from services.runtime.middleware import policy
from services.runtime.middleware.time_limit import TimeLimit
from services.runtime.processor import Processor
from services.runtime.routing import Worker, on
from services.runtime.settings import Settings


class Job(Message):
    message_type: ClassVar[str] = "test.job.v1"
    hangs: bool


def run_job(message: Job, deps: Deps) -> None:
    while message.hangs:  # a handler stuck in a loop that never ends
        time.sleep(0.01)


WORKER = Worker(name="jobs", tables=service_metadata(), routes=(on(Job, run_job),))


def job(hangs: bool, attempt: int = 1) -> Delivery:
    event = CloudEvent.wrap(Job(hangs=hangs), source="test")
    return Delivery(body=event.to_json(), routing_key=event.type,
                    headers={"x-dsr-attempt": attempt})


def processor(settings: Settings) -> Processor:
    engine = create_service_engine("jobs", settings, WORKER.tables)
    return Processor(WORKER, engine, settings, SystemClock(),
                     middleware=policy(settings, TimeLimit(limit_s=0.3)))


def test_a_hung_handler_is_interrupted_and_retried_with_the_reason(settings: Settings) -> None:
    outcome = processor(settings).process(job(hangs=True))
    assert isinstance(outcome, Retry)
    assert "time limit" in outcome.reason


def test_the_worker_handles_the_next_message_after_a_hung_one(settings: Settings) -> None:
    jobs = processor(settings)
    jobs.process(job(hangs=True))
    assert isinstance(jobs.process(job(hangs=False)), Done)


def test_a_handler_that_always_hangs_is_dead_lettered_after_the_last_attempt(
        settings: Settings) -> None:
    outcome = processor(settings).process(job(hangs=True, attempt=settings.max_attempts))
    assert isinstance(outcome, DeadLetter) and "time limit" in outcome.reason
