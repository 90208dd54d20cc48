"""Two replicas of every worker and store compete on each queue, on PostgreSQL, while random
replicas are SIGKILLed: every request completes once, no notice goes twice, and no store acts
twice on one command (counted in the stores' own tables, not in messages)."""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts.envelope import CloudEvent
from contracts.vocabulary import Right
from services.audit.tables import audit_entries
from services.bootstrap import App, bootstrap
from services.notification.tables import outbound_messages
from simulators.billing.tables import accounts, disputes
from simulators.stores.registry import STORE_SERVICES
from tests.conftest import embedded_settings
from tests.support import isolation
from tests.support.harness import RabbitHarness, final_count, request_rows, reset_broker, submit
from tests.support.processes import WorkerProcesses
from tests.support.subjects import (
    BATCH_DETAILS,
    BATCH_PEOPLE,
    Details,
    batch_request,
    seeded,
)

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.fault]
REQUESTS = int(os.environ.get("DSR_REPLICA_REQUESTS", "200"))
DISPUTING: dict[Right, Details] = {**BATCH_DETAILS, Right.RECTIFICATION: {"corrections": {
    "email": "nouveau@example.ml", "invoices": "la facture de mars est fausse"}}}
STATUS_CHANGED = "request.status-changed.v1"


@pytest.fixture
def replica_database(postgres_url: str) -> Iterator[str]:
    """A database of this test's own: the replicas' schemas start empty."""
    admin = os.environ["DSR_TEST_DATABASE_URL"]
    url = isolation.create_database(admin)
    yield url
    isolation.drop_database(admin, url)


def test_two_replicas_of_each_worker_act_once_on_every_request(
        amqp_url: str, tmp_path: Path, replica_database: str) -> None:
    rng = random.Random(13)
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, database_url=replica_database,
                                 log_level="WARNING")
    app = bootstrap(settings)
    harness = RabbitHarness(app, amqp_url)
    seeded(harness)
    reset_broker(amqp_url, settings, app)
    disputes_before = _disputes_per_customer(app)
    workers = WorkerProcesses(amqp_url, tmp_path, database_url=replica_database, replicas=2)
    workers.start_all(timeout_s=120)
    subjects: dict[str, str] = {}
    try:
        for n, event in enumerate(_requests(rng, subjects)):
            submit(harness, event)
            if n % 50 == 0:
                submit(harness, event)  # the call centre's retry: the same intake again
        harness.close()  # idle through the drain, it would miss the broker's heartbeats
        _drain_while_killing(app, workers, rng)
        _wait_for_audit(app, deadline=time.monotonic() + 300)
    finally:
        workers.stop_all()
        harness.close()

    rows = request_rows(app)
    assert len(rows) == REQUESTS, "each intake, even delivered twice, is one request"
    assert [r["reference"] for r in rows if r["state"] != "completed"] == []
    assert workers.kills >= min(10, REQUESTS // 10)
    _assert_completed_once(app, {r["reference"] for r in rows})
    _assert_each_notice_once(app)
    by_reference = {r["reference"]: (subjects[r["channel_reference"]], Right(r["right"]))
                    for r in rows}
    _assert_each_store_command_once(app, by_reference)
    _assert_one_dispute_per_rectification(app, by_reference, disputes_before)


def _requests(rng: random.Random, subjects: dict[str, str]) -> Iterator[CloudEvent]:
    for n in range(REQUESTS):
        person = rng.choice(BATCH_PEOPLE)
        subjects[f"call-{n}"] = person
        yield batch_request(n, person, DISPUTING)


def _drain_while_killing(app: App, workers: WorkerProcesses, rng: random.Random) -> None:
    workers.kill_while(lambda: final_count(app) < REQUESTS, rng, kills=30, timeout_s=1200)


def _completed_in_audit(app: App) -> Counter[str]:
    with app.engine("audit").connect() as conn:
        summaries = conn.execute(select(audit_entries.c.reference, audit_entries.c.summary)
                                 .where(audit_entries.c.event_type == STATUS_CHANGED)).all()
    return Counter(ref for ref, summary in summaries if summary["state"] == "completed")


def _wait_for_audit(app: App, deadline: float) -> None:
    """The audit follows intake's status events on its own queue: let it catch up."""
    while len(_completed_in_audit(app)) < REQUESTS and time.monotonic() < deadline:
        time.sleep(1)


def _assert_completed_once(app: App, references: set[str]) -> None:
    """The audit journal saw each request reach ``completed`` exactly once."""
    completed = _completed_in_audit(app)
    assert set(completed) == references
    assert {ref: n for ref, n in completed.items() if n > 1} == {}


def _assert_each_notice_once(app: App) -> None:
    with app.engine("notification").connect() as conn:
        t = outbound_messages.c
        sent = conn.execute(select(t.reference, t.kind, t.medium, t.recipient)).all()
    assert len(sent) == len(set(sent)), "a message went out twice"
    per_kind = Counter((kind, medium) for _, kind, medium, _ in sent)
    assert per_kind[("acknowledgement", "sms")] == REQUESTS
    assert per_kind[("outcome", "sms")] == REQUESTS


def _assert_each_store_command_once(app: App, by_reference: dict[str, tuple[str, Right]]
                                    ) -> None:
    """Every store acted once per command (its ``commands`` row, keyed by the command id, is
    written in the transaction of the effect), and no saga ran twice: a second run would act
    again under new command ids (``REF:r2:…``)."""
    for name, store in STORE_SERVICES.items():
        commands = store.worker.tables.tables["commands"]
        with app.engine(name).connect() as conn:
            ids = conn.execute(select(commands.c.command_id)).scalars().all()
        assert ids, f"{name} received no command"
        reruns = [i for i in ids if re.fullmatch(r"r\d+", i.split(":")[1])]
        assert reruns == [], f"{name} acted on a second run of a saga: {reruns[:5]}"
        assert {i.split(":")[0] for i in ids} <= set(by_reference), name


def _disputes_per_customer(app: App) -> Counter[str]:
    with app.engine("billing").connect() as conn:
        rows = conn.execute(select(accounts.c.customer_code, func.count())
                            .select_from(disputes.join(
                                accounts, disputes.c.account_no == accounts.c.account_no))
                            .group_by(accounts.c.customer_code)).all()
    return Counter({code: count for code, count in rows})


def _assert_one_dispute_per_rectification(app: App, by_reference: dict[str, tuple[str, Right]],
                                          before: Counter[str]) -> None:
    """Opening a dispute is not idempotent by nature: a store acting twice would open two."""
    with app.engine("billing").connect() as conn:
        owned = Counter(conn.execute(select(accounts.c.customer_code)).scalars().all())
    rectified = Counter(code for code, right in by_reference.values()
                        if right is Right.RECTIFICATION)
    expected = Counter({code: before[code] + n * owned[code] for code, n in rectified.items()})
    opened = _disputes_per_customer(app)
    assert {code: opened[code] for code in expected} == dict(expected)

