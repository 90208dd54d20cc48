"""The broker restarts, the database goes away: workers wait, reconnect, and finish the batch.

These tests stop and start the machine's own RabbitMQ and PostgreSQL (``rabbitmqctl``,
``pg_ctlcluster``); they are marked ``fault`` so they can be run alone.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import SQLAlchemyError

from contracts.vocabulary import Right
from services.bootstrap import bootstrap
from services.operations.dead_letters import DeadLetterQueues
from services.workers import workers
from tests.conftest import embedded_settings
from tests.support.harness import RabbitHarness, final_count, reset_broker, submit
from tests.support.processes import SAGA_WORKERS, WorkerProcesses
from tests.support.subjects import request_for, seeded

pytestmark = [pytest.mark.broker, pytest.mark.fault]
PEOPLE = ["CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005"]


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not on this machine; this test restarts a local service")


def _wait(condition: Callable[[], object], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not _holds(condition):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def _holds(condition: Callable[[], object]) -> bool:
    try:
        return bool(condition())
    except SQLAlchemyError:
        return False  # the database is down: not yet


def _submit_batch(harness: RabbitHarness, count: int) -> None:
    rights = [Right.ACCESS, Right.OBJECTION, Right.RESTRICTION]
    for n in range(count):
        code, right, reference = PEOPLE[n % len(PEOPLE)], rights[n % 3], f"call-{n}"
        if right is Right.RESTRICTION:
            event = request_for(code, right, reference, categories=["profiles_scores"])
        else:
            event = request_for(code, right, reference)
        submit(harness, event)
    harness.close()


def test_workers_reconnect_by_themselves_after_a_broker_restart(amqp_url: str,
                                                                tmp_path: Path) -> None:
    _needs("rabbitmqctl")
    settings = embedded_settings(tmp_path, amqp_url=amqp_url)
    app = bootstrap(settings)
    harness = RabbitHarness(app, amqp_url)
    seeded(harness)
    reset_broker(amqp_url, settings, app)
    processes = WorkerProcesses(amqp_url, tmp_path)
    processes.start_all()
    try:
        _submit_batch(harness, 120)
        _wait(lambda: final_count(app) >= 10, 120, "the first completions")
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, timeout=120)
        time.sleep(3)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, timeout=120)
        _wait(lambda: final_count(app) == 120, 600, "every request to complete")
        depths = DeadLetterQueues(amqp_url).depths(workers(SAGA_WORKERS))
    finally:
        processes.stop_all()
    assert sum(depths.values()) == 0


@pytest.fixture
def fault_database(postgres_url: str) -> Iterator[str]:
    name = f"dsr_fault_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    _pg("start")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                   check=False, timeout=120, capture_output=True)


def test_a_database_outage_delays_requests_but_loses_none(amqp_url: str, tmp_path: Path,
                                                          fault_database: str) -> None:
    _needs("pg_ctlcluster")
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, database_url=fault_database)
    app = bootstrap(settings)
    harness = RabbitHarness(app, amqp_url)
    seeded(harness)
    reset_broker(amqp_url, settings, app)
    processes = WorkerProcesses(amqp_url, tmp_path, database_url=fault_database)
    processes.start_all()
    try:
        _submit_batch(harness, 60)
        _wait(lambda: final_count(app) >= 5, 120, "the first completions")
        _pg("stop")
        time.sleep(8)
        _pg("start")
        _wait(lambda: final_count(app) == 60, 600, "every request to complete")
        depths = DeadLetterQueues(amqp_url).depths(workers(SAGA_WORKERS))
    finally:
        processes.stop_all()
    assert sum(depths.values()) == 0, "an outage alone must not dead-letter anything"
