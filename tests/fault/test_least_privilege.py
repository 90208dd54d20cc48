"""Least privilege on the real broker: each service's own user, with the generated permissions.

The users come from the same plan as ``infra/rabbitmq/definitions.json`` (``dsr topology``);
the broker refuses what a service must not do with 403 ACCESS_REFUSED, which closes the
channel (with publisher confirms, the publish raises), and the saga still runs end to end
when every worker process connects as its own user.

Users are global in RabbitMQ (not in a virtual host), and these are the deployment's own
names (``dsr-crm``, …): creating them, then deleting them, would take over a developer's
users on a shared broker. So this module is in the destructive tier (``make test-fault``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pika
import pika.exceptions
import pytest
from pika.adapters.blocking_connection import BlockingChannel
from pika.exchange_type import ExchangeType

from contracts.envelope import CONTENT_TYPE, CloudEvent
from contracts.intake import RequestSubmitted, SubjectClaim
from contracts.status import StatusReply
from contracts.vocabulary import Channel, Right
from services.cli.clients import KombuClient
from services.operations.dead_letters import DeadLetterQueues
from services.runtime.amqp import topology
from services.runtime.settings import Settings
from services.workers import ALL, worker, workers
from tests.support.broker_users import BrokerUsers, least_privilege_users, unavailable_because
from tests.support.processes import RETRY_DELAYS_MS, WorkerProcesses

pytestmark = [pytest.mark.broker, pytest.mark.fault]


@pytest.fixture(scope="module")
def users(amqp_url: str) -> Iterator[BrokerUsers]:
    why = unavailable_because(amqp_url)
    if why is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"least-privilege users: {why}", pytrace=False)
        pytest.skip(f"least-privilege users: {why}")
    with least_privilege_users(amqp_url) as found:
        yield found


@pytest.fixture
def declared(users: BrokerUsers) -> Settings:
    """A fresh topology, as an administrator declares it (the workers' users cannot)."""
    settings = Settings(amqp_url=users.admin_url, retry_delays_ms=RETRY_DELAYS_MS)
    connection = pika.BlockingConnection(pika.URLParameters(users.admin_url))
    try:
        channel = connection.channel()
        plan = topology.plan(workers(), settings)
        for queue in plan.queues:
            channel.queue_delete(queue.name)
        topology.declare(channel, plan)
    finally:
        connection.close()
    return settings


def connect(users: BrokerUsers, user: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(pika.URLParameters(users.url(user)))


def refused(action: Callable[[BlockingChannel], object],
            connection: pika.BlockingConnection) -> bool:
    """True when the broker closes the channel with 403 ACCESS_REFUSED."""
    channel = connection.channel()
    channel.confirm_delivery()
    try:
        action(channel)
    except pika.exceptions.ChannelClosedByBroker as closed:
        assert closed.reply_code == 403, closed
        return True
    channel.close()
    return False


def publish(exchange: str, key: str) -> Callable[[BlockingChannel], None]:
    def action(channel: BlockingChannel) -> None:
        channel.basic_publish(
            exchange, key, b"{}", pika.BasicProperties(content_type=CONTENT_TYPE))
    return action


def test_notification_cannot_command_a_store(users: BrokerUsers,
                                             declared: Settings) -> None:
    with connect(users, "dsr-notification") as connection:
        assert refused(publish("dsr.commands", "backoffice.crm.erase.v1"), connection)
        assert refused(publish("", "dsr.crm"), connection), "not around it by the default exchange"
        assert refused(publish("dsr.events", "identity.verified.v1"), connection)
        assert refused(publish("dsr.runtime", "crm.retry.100"), connection), \
            "nor into another worker's delay queue"
        assert not refused(publish("dsr.events", "notification.sent.v1"), connection)
        assert not refused(publish("dsr.runtime", "notification.dead-letter"), connection)


def test_only_command_issuers_command_stores(users: BrokerUsers,
                                             declared: Settings) -> None:
    with connect(users, "dsr-identity") as connection:
        assert not refused(publish("dsr.commands", "backoffice.crm.identify.v1"), connection)
        assert refused(publish("dsr.commands", "backoffice.crm.erase.v1"), connection)
    with connect(users, "dsr-discovery") as connection:
        assert not refused(publish("dsr.commands", "backoffice.cdr.discover.v1"), connection)
        assert refused(publish("dsr.commands", "backoffice.cdr.export.v1"), connection)


def test_a_store_publishes_only_its_own_results(users: BrokerUsers,
                                                declared: Settings) -> None:
    with connect(users, "dsr-crm") as connection:
        assert refused(publish("dsr.events", "intake.request.registered.v1"), connection)
        assert refused(publish("dsr.events", "backoffice.billing.erase.result.v1"), connection)
        assert refused(publish("dsr.commands", "backoffice.billing.erase.v1"), connection)
        assert not refused(publish("dsr.events", "backoffice.crm.noop.result.v1"), connection)


def test_a_service_reads_only_its_own_queue_and_declares_nothing(
        users: BrokerUsers, declared: Settings) -> None:
    with connect(users, "dsr-notification") as connection:
        assert not refused(lambda ch: ch.basic_get("dsr.notification"), connection)
        assert refused(lambda ch: ch.basic_get("dsr.crm"), connection)
        assert refused(lambda ch: ch.basic_get("dsr.notification.dlq"), connection)
        assert refused(lambda ch: ch.queue_declare("dsr.notification", durable=True,
                                                   arguments={"x-queue-type": "quorum"}),
                       connection)
        assert refused(lambda ch: ch.queue_delete("dsr.notification"), connection)
        # By value: types-pika declares ExchangeType's members as bare `str` annotations.
        assert refused(lambda ch: ch.exchange_declare("dsr.events", ExchangeType("topic"),
                                                      durable=True),
                       connection)
        assert not refused(lambda ch: ch.queue_declare("dsr.notification", passive=True),
                           connection), "a passive check of the topology needs no permission"


def test_the_call_centre_submits_and_follows_but_cannot_impersonate_intake(
        users: BrokerUsers, declared: Settings) -> None:
    with connect(users, "dsr-callcentre") as connection:
        assert refused(publish("dsr.events", "intake.request.registered.v1"), connection)
        assert refused(publish("dsr.events", "identity.review-decided.v1"), connection)
        assert refused(publish("dsr.commands", "backoffice.crm.erase.v1"), connection)

        def bind(key: str) -> Callable[[BlockingChannel], object]:
            def action(channel: BlockingChannel) -> object:
                queue = channel.queue_declare("", exclusive=True).method.queue
                assert queue is not None, "the broker names the exclusive queue it declares"
                return channel.queue_bind(queue, "dsr.events", key)
            return action

        assert not refused(bind("request.status-changed.v1"), connection)
        assert refused(bind("identity.verified.v1"), connection), \
            "it may not follow events that carry more than a status"
        assert refused(bind("#"), connection)
    with connect(users, "dsr-clock") as connection:
        assert not refused(publish("dsr.events", "clock.ticked.v1"), connection)
        assert refused(publish("dsr.events", "intake.request.submitted.v1"), connection)


def test_the_saga_runs_with_one_user_per_service(users: BrokerUsers,
                                                 declared: Settings, tmp_path: Path) -> None:
    credentials = {name: (f"dsr-{name}", users.passwords[f"dsr-{name}"]) for name in ALL}
    processes = WorkerProcesses(users.admin_url, tmp_path, credentials=credentials)
    callcentre = users.url("dsr-callcentre")
    operator = DeadLetterQueues(users.url("dsr-operator"))
    try:
        processes.start_all(timeout_s=90)
        assert _connected_users(users.vhost) >= {f"dsr-{name}" for name in processes.names}
        reference = f"call-{uuid.uuid4()}"
        follow = _Follower(callcentre)
        KombuClient(callcentre).publish(CloudEvent.wrap(RequestSubmitted(
            channel=Channel.CALLCENTRE, channel_reference=reference,
            received_at=datetime.now(UTC), right=Right.ACCESS,
            subject=SubjectClaim(msisdn="+22370000001", full_name="Awa Sangaré"),
            identity_document=None), source="urn:callcentre:7400"))
        states = follow.states(reference, until="document_requested", timeout_s=60)
        assert states == ["registered", "document_requested"]
        status = KombuClient(callcentre).status(follow.request_reference)
        assert isinstance(status, StatusReply) and status.state == "document_requested", \
            "intake answers the call centre's status query"
        # A message discovery cannot handle goes through its own dead-letter queue, which
        # the operator (and nobody else) reads.
        _admin_publish(users.admin_url, "identity.verified.v1", b'{"not": "an event"}')
        _wait(lambda: operator.depths([worker("discovery")])["discovery"] == 1)
        assert "invalid" in operator.browse(worker("discovery"))[0].reason
    finally:
        processes.stop_all()
    for name in processes.names:
        log = processes.log(name)
        assert "ACCESS_REFUSED" not in log, f"{name}: {log[-2000:]}"


class _Follower:
    """The call centre following status events on a server-named queue of its own."""

    def __init__(self, url: str) -> None:
        self._connection = pika.BlockingConnection(pika.URLParameters(url))
        self._channel = self._connection.channel()
        queue = self._channel.queue_declare("", exclusive=True).method.queue
        assert queue is not None, "the broker names the exclusive queue it declares"
        self._queue = queue
        self._channel.queue_bind(self._queue, "dsr.events", "request.status-changed.v1")
        self.request_reference = ""

    def states(self, channel_reference: str, until: str, timeout_s: float) -> list[str]:
        seen: list[str] = []
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline and until not in seen:
                method, _props, body = self._channel.basic_get(self._queue, auto_ack=True)
                if method is None or body is None:
                    time.sleep(0.05)
                    continue
                event = json.loads(body)
                if event["data"]["channel_reference"] == channel_reference:
                    seen.append(event["data"]["state"])
                    self.request_reference = event["subject"]
        finally:
            self._connection.close()
        return seen


def _admin_publish(amqp_url: str, key: str, body: bytes) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = connection.channel()
    channel.confirm_delivery()
    channel.basic_publish("dsr.events", key, body, pika.BasicProperties(
        content_type=CONTENT_TYPE, delivery_mode=2))
    connection.close()


def _connected_users(vhost: str) -> set[str]:
    listed = subprocess.run(["rabbitmqctl", "-q", "list_connections", "vhost", "user"],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split("\t") for line in listed.splitlines()[1:]]
    return {row[1] for row in rows if len(row) == 2 and row[0] == vhost}


def _wait(condition: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
