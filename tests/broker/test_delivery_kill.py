"""SIGKILL the delivery worker (``dsr run --worker delivery``) in the middle of a batch of SMS
on RabbitMQ: once it runs again every notice is settled and none reached the SMSC twice (the
simulator counts submit_sm). The broker is not touched.

A part whose submit_sm may have left when the kill came is in doubt and is not sent again
(docs/decisions/0001): its notice is recorded sent with that reason and its letter follows
when no receipt comes. Only the parts in flight at the kill can be in doubt, one per worker
thread at most; every other notice reached the SMSC exactly once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pika
import pytest
from sqlalchemy import Engine

from contracts.notification import TASK_ACTORS, TASK_QUEUES, Medium
from services.bootstrap import bootstrap
from services.delivery.queries import records
from services.runtime.amqp import topology
from services.runtime.tasks import TASKS_EXCHANGE, Task
from tests.conftest import embedded_settings
from tests.support.gateways import notice
from tests.support.harness import reset_broker
from tests.support.processes import RETRY_DELAYS_MS, WorkerProcesses
from tests.support.smsc import SmscSimulator

pytestmark = pytest.mark.broker
NOTICES = 300
NOTICE_IDS = [f"DSR-2026-{n:06d}/1" for n in range(1, NOTICES + 1)]
THREADS = 4


def enqueue(url: str, count: int) -> list[str]:
    """What the notification worker's relay publishes: one task per notice on dsr.tasks."""
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    texts = []
    for n in range(1, count + 1):
        text = f"Votre demande DSR-2026-{n:06d} est traitée. Service clients 7400."
        task = notice(text, notice_id=NOTICE_IDS[n - 1], recipient=f"+2236{n:07d}")
        message = Task(TASK_QUEUES[Medium.SMS], TASK_ACTORS[Medium.SMS],
                       task.model_dump(mode="json"), task.notice_id)
        channel.basic_publish(TASKS_EXCHANGE, TASK_QUEUES[Medium.SMS], message.to_json(),
                              pika.BasicProperties(delivery_mode=2))
        texts.append(text)
    connection.close()
    return texts


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str,
             state: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s: {state()}")
        time.sleep(0.05)


def settled(engine: Engine) -> int:
    return sum(1 for r in records(engine) if r["state"] != "queued")


def _states(engine: Engine) -> str:
    return "records by state: " + str(Counter(r["state"] for r in records(engine)))


def test_a_killed_delivery_worker_settles_every_notice_and_sends_none_twice(
        amqp_url: str, tmp_path: Path) -> None:
    smsc = SmscSimulator().start()
    # the worker process's own retry tiers: the queues reset here are the ones it declares
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, retry_delays_ms=RETRY_DELAYS_MS)
    app = bootstrap(settings, names=("delivery",), configure_logs=False)
    reset_broker(amqp_url, settings, app)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    topology.declare(connection.channel(), topology.plan([app.processors["delivery"].worker],
                                                         settings))
    connection.close()
    texts = enqueue(amqp_url, NOTICES)
    workers = WorkerProcesses(amqp_url, tmp_path, names=("delivery",), env={
        "DSR_SMSC_HOST": "127.0.0.1", "DSR_SMSC_PORT": str(smsc.port), "DSR_SMSC_TPS": "150",
        "DSR_DELIVERY_MIN_BACKOFF_MS": "100", "DSR_DELIVERY_MAX_BACKOFF_MS": "1000",
        "DSR_DELIVERY_THREADS": str(THREADS)})
    try:
        workers.start("delivery")
        wait_for(lambda: len(smsc.accepted) >= NOTICES // 3, 60, "a third sent")
        workers.kill("delivery")  # mid-batch: tasks unacked, parts mid-flight
        sent_before = len(smsc.accepted)
        workers.start("delivery")
        engine = app.engine("delivery")
        wait_for(lambda: settled(engine) == NOTICES, 120, "every notice settled",
                 lambda: f"{_states(engine)}; the SMSC took {len(smsc.submit_counts())}; "
                         f"the worker's log ends: {workers.log('delivery')[-2000:]}")
        time.sleep(1.0)  # anything doubled would show up by now
        rows = records(engine)
    finally:
        workers.stop_all()
        smsc.stop()
        app.dispose()
    counts = smsc.submit_counts()
    assert sent_before < NOTICES, "the kill came mid-batch"
    assert [k for k, v in counts.items() if v > 1] == [], "no SMS twice"
    assert {r["state"] for r in rows} <= {"sent", "delivered"}
    in_doubt = {r["notice_id"] for r in rows if r["reason"] and "in doubt" in r["reason"]}
    taken = {text for _, text in counts}
    missing = {n for n, text in zip(NOTICE_IDS, texts, strict=True) if text not in taken}
    assert missing <= in_doubt, "a notice the SMSC never got is one the kill left in doubt"
    assert len(in_doubt) <= THREADS, "only the parts in flight at the kill are in doubt"
    assert taken <= set(texts)
