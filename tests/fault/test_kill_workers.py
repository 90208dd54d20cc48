"""SIGKILL workers and stores at random while 500 requests are in flight: nothing is lost,
nothing is done twice."""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from contracts.vocabulary import Right
from services.bootstrap import bootstrap
from services.notification.notices import NOTIFIED_RIGHTS
from services.notification.tables import outbound_messages
from tests.conftest import embedded_settings
from tests.support.harness import RabbitHarness, final_count, request_rows, reset_broker, submit
from tests.support.processes import WorkerProcesses
from tests.support.subjects import BATCH_PEOPLE, SUBJECTS, batch_request, seeded

pytestmark = [pytest.mark.broker, pytest.mark.fault]
REQUESTS = int(os.environ.get("DSR_FAULT_REQUESTS", "500"))


def test_killed_workers_lose_nothing_and_do_nothing_twice(amqp_url: str, tmp_path: Path) -> None:
    rng = random.Random(7400)
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, log_level="WARNING")
    app = bootstrap(settings)
    harness = RabbitHarness(app, amqp_url)
    seeded(harness)
    reset_broker(amqp_url, settings, app)
    workers = WorkerProcesses(amqp_url, tmp_path)
    workers.start_all()
    try:
        for n in range(REQUESTS):
            event = batch_request(n, rng.choice(BATCH_PEOPLE))
            submit(harness, event)
            if n % 50 == 0:
                submit(harness, event)  # the call centre's retry: the same intake again
        workers.kill_while(lambda: final_count(app) < REQUESTS, rng, kills=25,
                           timeout_s=900, pause_s=(0.5, 3.0))
        states = [r["state"] for r in request_rows(app)]
        stuck = {r["reference"]: r["state"] for r in request_rows(app)
                 if r["state"] != "completed"}
        assert not stuck, f"not completed: {dict(list(stuck.items())[:10])}; " \
                          f"intake log: {workers.log('intake')[-2000:]}"
    finally:
        workers.stop_all()
        harness.close()
    assert workers.kills >= min(10, REQUESTS // 10)
    assert len(states) == REQUESTS, "each intake, even delivered twice, is one request"
    assert states.count("completed") == REQUESTS
    with app.engine("notification").connect() as conn:
        t = outbound_messages.c
        sent = conn.execute(select(t.reference, t.kind, t.medium, t.recipient)).all()
    assert len(sent) == len(set(sent)), "a message went out twice"
    per_kind = Counter((kind, medium) for _, kind, medium, _ in sent)
    assert per_kind[("acknowledgement", "sms")] == REQUESTS
    assert per_kind[("outcome", "sms")] == per_kind[("outcome", "letter")] == REQUESTS
    right_of = {r["reference"]: Right(r["right"]) for r in request_rows(app)}
    assert per_kind[("package_code", "sms")] == list(right_of.values()).count(Right.ACCESS)
    noticed = {reference for reference, kind, _, _ in sent if kind == "recipient_notice"}
    assert noticed, "recipients are told of changes"
    assert all(right_of[reference] in NOTIFIED_RIGHTS for reference in noticed)
    assert SUBJECTS  # the seeded population the requests were made against
