"""A notice the SMSC keeps refusing is dead-lettered into ``delivery.sms.XQ``, where ``dsr
dlq`` finds it by its notice id; redriven once the SMSC is mended, it is sent, once."""

from __future__ import annotations

import time
from pathlib import Path

import pika
import pytest

from contracts.notification import TASK_ACTORS, TASK_QUEUES, Medium
from services.bootstrap import bootstrap, delivery_worker, task_broker
from services.delivery.queries import records
from services.operations.dead_letters import DeadLetterQueues
from services.runtime.amqp import topology
from services.runtime.amqp.task_broker import QuorumRabbitmqBroker
from services.runtime.tasks import TASKS_EXCHANGE, Task
from tests.conftest import embedded_settings
from tests.support import isolation
from tests.support.delivering import gateway_settings
from tests.support.gateways import notice
from tests.support.harness import reset_broker
from tests.support.smsc import SmscSimulator

pytestmark = pytest.mark.broker
QUEUE = TASK_QUEUES[Medium.SMS]


def wait_for(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s} s")
        time.sleep(0.1)


def test_a_dead_notice_is_listed_by_notice_id_and_redriven(amqp_url: str,
                                                          tmp_path: Path) -> None:
    smsc = SmscSimulator().start()
    smsc.behaviour.fail = True
    settings = embedded_settings(tmp_path, amqp_url=amqp_url, **(gateway_settings(smsc, 1) | {
        "smtp_host": None, "delivery_max_retries": 1, "delivery_min_backoff_ms": 50}))
    app = bootstrap(settings, names=("delivery",), configure_logs=False)
    reset_broker(amqp_url, settings, app)
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    topology.declare(channel, topology.plan([app.processors["delivery"].worker], settings))
    task = notice("Votre demande est traitée.", notice_id="DSR-2026-000042/7")
    channel.basic_publish(TASKS_EXCHANGE, QUEUE, Task(QUEUE, TASK_ACTORS[Medium.SMS],
                                                      task.model_dump(mode="json"),
                                                      task.notice_id).to_json())
    connection.close()
    queues = DeadLetterQueues(amqp_url)
    tasks = delivery_worker(app, task_broker(settings))
    tasks.start()
    try:
        wait_for(lambda: queues.depths([app.processors["delivery"].worker])[QUEUE] == 1, 30,
                 "the notice dead-lettered")
        (letter,) = queues.browse(QUEUE)
        (failed,) = records(app.engine("delivery"))
        smsc.behaviour.fail = False
        assert queues.redrive(QUEUE, {task.notice_id}) == 1
        wait_for(lambda: records(app.engine("delivery"))[0]["state"] in ("sent", "delivered"),
                 30, "the redriven notice sent")
    finally:
        tasks.stop()
        tasks.broker.close()
        smsc.stop()
        app.dispose()
    assert (letter.event_id, letter.event_type, letter.subject) == (
        "DSR-2026-000042/7", "deliver_sms", "DSR-2026-000001")
    assert failed["state"] == "failed" and "System Error" in failed["reason"]
    assert len(smsc.accepted) == 1


def test_every_delivery_queue_is_a_quorum_queue_whoever_declares_it_first(
        amqp_url: str, tmp_path: Path) -> None:
    """Replicated over the cluster like the workers' queues: a notice waiting for its SMSC,
    or dead, is not lost with one node. dramatiq's broker and the exported topology
    declare each queue alike, in either order (else the second is refused)."""
    settings = embedded_settings(tmp_path, amqp_url=amqp_url)
    app = bootstrap(settings, names=("delivery",), configure_logs=False)
    plan = topology.plan([app.processors["delivery"].worker], settings)
    reset_broker(amqp_url, settings, app)
    broker = task_broker(settings)
    assert isinstance(broker, QuorumRabbitmqBroker)
    try:
        for queue in TASK_QUEUES.values():
            broker.declare_queue(queue, ensure=True)
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        topology.declare(connection.channel(), plan)
        connection.close()
    finally:
        broker.close()
        app.dispose()
    types = isolation.queue_types(amqp_url)
    task_queues = {q.name for q in plan.queues if q.name.startswith("delivery.")}
    assert len(task_queues) == 9, "three queues for each of the three actors"
    assert {types[name] for name in task_queues} == {"quorum"}
