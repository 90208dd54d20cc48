"""A three-node RabbitMQ cluster loses a node mid-batch: the workers connected to it
reconnect to another node (``DSR_AMQP_NODES``), the quorum queues keep their messages on the
other two, and every request completes once."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pika.exceptions
import pytest
from sqlalchemy import select

from contracts.envelope import CloudEvent
from contracts.vocabulary import Right
from services.bootstrap import App, bootstrap
from services.notification.tables import outbound_messages
from tests.conftest import embedded_settings
from tests.support.cluster import Cluster, available, wait
from tests.support.harness import RabbitHarness, final_count, request_rows, submit
from tests.support.processes import WorkerProcesses
from tests.support.subjects import request_for, seeded

pytestmark = [pytest.mark.broker, pytest.mark.fault]
REQUESTS = int(os.environ.get("DSR_CLUSTER_REQUESTS", "60"))
PEOPLE = ["CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005", "CM-100008"]
RIGHTS = [Right.ACCESS, Right.OBJECTION, Right.ERASURE]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    missing = available()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"a local RabbitMQ cluster cannot be started: {missing}")
        pytest.skip(f"a local RabbitMQ cluster cannot be started: {missing}")
    started = Cluster()
    try:
        started.start()
        yield started
    finally:
        started.stop()


def test_a_node_stopping_mid_batch_loses_no_request(cluster: Cluster, tmp_path: Path) -> None:
    first, *others = cluster.nodes
    assert cluster.running() == [n.name for n in cluster.nodes]
    alternates = ",".join(node.address for node in others)
    app = bootstrap(embedded_settings(tmp_path, amqp_url=first.url, amqp_nodes=alternates,
                                      log_level="WARNING"))
    seeded(RabbitHarness(app, first.url))
    workers = WorkerProcesses(first.url, tmp_path, env={"DSR_AMQP_NODES": alternates})
    workers.start_all(timeout_s=180)
    events = [request_for(PEOPLE[n % len(PEOPLE)], RIGHTS[n % len(RIGHTS)], f"call-{n}")
              for n in range(REQUESTS)]
    try:
        _submit(app, first.url, events[: REQUESTS // 2])
        cluster.stop_node(first)
        _submit(app, others[0].url, events[REQUESTS // 2:])
        wait(lambda: final_count(app) >= REQUESTS, 900, "requests not all completed")
        crashed = [name for name, process in workers.running.items()
                   if process.poll() is not None]
    finally:
        workers.stop_all()

    assert crashed == [], "a worker whose node died reconnects; it does not exit"
    assert cluster.running() == [n.name for n in others]
    states = Counter(row["state"] for row in request_rows(app))
    assert states == {"completed": REQUESTS}
    with app.engine("notification").connect() as conn:
        t = outbound_messages.c
        sent = conn.execute(select(t.reference, t.kind, t.medium, t.recipient)).all()
    assert len(sent) == len(set(sent)), "a message went out twice"
    per_kind = Counter((kind, medium) for _, kind, medium, _ in sent)
    assert per_kind[("outcome", "sms")] == per_kind[("outcome", "letter")] == REQUESTS


NACK_RETRIES = 90  # seconds: a leader election under load may take a minute


def _submit(app: App, url: str, events: list[CloudEvent]) -> None:
    """As the call centre publishes: a publish the broker nacks (a queue's leader moving to
    another node just after one stopped) is sent again on a new connection, since a channel
    opened before the election may go on failing that queue; the intake's id makes it one."""
    harness = RabbitHarness(app, url)
    try:
        for event in events:
            for attempt in range(NACK_RETRIES):
                try:
                    submit(harness, event)
                    break
                except pika.exceptions.NackError:
                    if attempt == NACK_RETRIES - 1:
                        raise
                    harness.close()  # the next publish opens a new connection
                    time.sleep(1)
    finally:
        harness.close()
