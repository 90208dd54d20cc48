"""Least privilege, derived from the route tables and the publications table, without a broker.

The broker tier (``tests/broker/test_least_privilege.py``) checks that RabbitMQ enforces
these grants; here: that they say what the saga needs and nothing more, that every declared
publication is a message of the contract, and that the processor refuses a publication its
worker did not declare (so the embedded end-to-end tests, which run every handler, fail on
an undeclared one long before the broker would refuse it).
"""

from __future__ import annotations

import base64
import hashlib
import re
import ssl
from dataclasses import replace
from pathlib import Path

import pytest
from pika import PlainCredentials

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.catalog import MESSAGES
from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from contracts.notification import TASK_QUEUES
from contracts.vocabulary import Store
from services.cli.definitions import grants
from services.clients import CLIENTS
from services.runtime.amqp.connection import kombu_options, pika_parameters, tls_context
from services.runtime.amqp.permissions import password_hash, topic_regex
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import DeadLetter, Done
from services.runtime.processor import Processor
from services.runtime.routing import Publication
from services.runtime.settings import Settings
from services.runtime.tasks import TASKS_EXCHANGE
from services.workers import ALL, STORES, workers
from tests.support.ledger import WORKER, Credit, delivery, metadata

GRANTS = {g.user: g for g in grants()}


def may_publish(user: str, exchange: str, key: str) -> bool:
    grant = GRANTS[user]
    if not re.fullmatch(grant.write, exchange):
        return False
    topic = next((t for t in grant.topics if t.exchange == exchange), None)
    return topic is None or re.fullmatch(topic.write, key) is not None


def who_may_publish(exchange: str, key: str) -> set[str]:
    return {user for user in GRANTS if may_publish(user, exchange, key)} - {"dsr-admin"}


def test_every_worker_declares_what_it_publishes() -> None:
    assert {w.name for w in workers()} == set(ALL)
    assert all(w.publishes is not None for w in workers())


def _contract_types() -> set[tuple[str, str]]:
    types = {(m.exchange, m.message_type) for m in MESSAGES
             if m not in (StoreCommand, StoreResult)}
    for store in Store:
        for action in StoreAction:
            types.add((COMMANDS_EXCHANGE, StoreCommand.message_type.format(
                store=store.value, action=action.value)))
            types.add((EVENTS_EXCHANGE, StoreResult.message_type.format(
                store=store.value, action=action.value)))
    types |= {(TASKS_EXCHANGE, queue) for queue in TASK_QUEUES.values()}
    return types


def test_every_declared_publication_is_a_message_of_the_contract() -> None:
    types = _contract_types()
    declared = [*(p for w in workers() for p in w.publishes or ()),
                *(p for c in CLIENTS for p in c.publishes if p.pattern != "#")]
    for publication in declared:
        assert any(publication.allows(exchange, key) for exchange, key in types), publication


#: They send dead letters back wherever they came from, so they may publish any type.
REDRIVERS = ("dsr-operator", "dsr-console")


def test_only_identity_discovery_and_fulfilment_command_the_stores() -> None:
    commanders = {user for user, g in GRANTS.items() if re.fullmatch(g.write, COMMANDS_EXCHANGE)}
    assert commanders - {"dsr-admin", *REDRIVERS} == {
        "dsr-identity", "dsr-discovery", "dsr-fulfilment"}
    assert who_may_publish(COMMANDS_EXCHANGE, "backoffice.crm.identify.v1") == {
        "dsr-identity", *REDRIVERS}
    assert who_may_publish(COMMANDS_EXCHANGE, "backoffice.billing.discover.v1") == {
        "dsr-discovery", *REDRIVERS}


def test_intake_alone_registers_requests_and_the_call_centre_submits_them() -> None:
    assert who_may_publish(EVENTS_EXCHANGE, "intake.request.registered.v1") == {
        "dsr-intake", *REDRIVERS}
    assert who_may_publish(EVENTS_EXCHANGE, "intake.request.submitted.v1") == {
        "dsr-callcentre", *REDRIVERS}
    assert who_may_publish(EVENTS_EXCHANGE, "identity.verified.v1") == {
        "dsr-identity", *REDRIVERS}


@pytest.mark.parametrize("store", STORES)
def test_a_store_publishes_its_own_results_only(store: str) -> None:
    user = f"dsr-{store}"
    assert may_publish(user, EVENTS_EXCHANGE, f"backoffice.{store}.erase.result.v1")
    others = [s for s in STORES if s != store]
    assert not may_publish(user, EVENTS_EXCHANGE, f"backoffice.{others[0]}.erase.result.v1")
    assert not may_publish(user, EVENTS_EXCHANGE, "intake.request.registered.v1")
    assert not may_publish(user, COMMANDS_EXCHANGE, f"backoffice.{store}.erase.v1")


def test_workers_configure_nothing_and_read_only_their_own_queue() -> None:
    for worker in workers():
        grant = GRANTS[f"dsr-{worker.name}"]
        if worker.tasks:  # dramatiq declares its actors' queues: those, and nothing else
            assert [q for q in worker.tasks if not re.fullmatch(grant.configure, q)] == []
            assert not re.fullmatch(grant.configure, worker.queue)
        else:
            assert grant.configure == "^$"
        assert re.fullmatch(grant.read, worker.queue)
        assert not re.fullmatch(grant.read, worker.dead_letter_queue)
        assert not any(re.fullmatch(grant.read, other.queue)
                       for other in workers() if other.name != worker.name)


def test_a_worker_retries_and_dead_letters_into_its_own_queues_only() -> None:
    grant = GRANTS["dsr-notification"]
    assert may_publish(grant.user, "dsr.runtime", "notification.retry.2000")
    assert may_publish(grant.user, "dsr.runtime", "notification.dead-letter")
    assert not may_publish(grant.user, "dsr.runtime", "crm.retry.2000")
    assert not may_publish(grant.user, "amq.default", "dsr.crm"), "no way around topics"


def test_every_grant_names_every_topic_exchange() -> None:
    """RabbitMQ allows any routing key on a topic exchange a user has no topic grant for."""
    for grant in GRANTS.values():
        if grant.user != "dsr-admin":
            assert {t.exchange for t in grant.topics} == {
                EVENTS_EXCHANGE, COMMANDS_EXCHANGE, "dsr.runtime", TASKS_EXCHANGE}, grant.user


def test_only_notification_hands_notices_to_the_delivery_worker() -> None:
    assert who_may_publish(TASKS_EXCHANGE, "delivery.sms") == {
        "dsr-notification", "dsr-operator"}
    assert who_may_publish(EVENTS_EXCHANGE, "notification.delivery-updated.v1") == {
        "dsr-delivery", "dsr-operator"}
    grant = GRANTS["dsr-delivery"]
    assert re.fullmatch(grant.read, "delivery.sms.DQ")
    assert not re.fullmatch(grant.read, "dsr.notification")


def test_topic_patterns_become_anchored_regexes() -> None:
    regex = topic_regex(["backoffice.*.discover.v1", "a.#"])
    assert re.fullmatch(regex, "backoffice.crm.discover.v1")
    assert not re.fullmatch(regex, "backoffice.crm.x.discover.v1")
    assert not re.fullmatch(regex, "backoffice.crm.discover.v1.extra")
    assert re.fullmatch(regex, "a.b.c")
    assert topic_regex([]) == "^$"


def test_password_hash_is_rabbitmq_salted_sha256() -> None:
    decoded = base64.b64decode(password_hash("s3cret", salt=b"\x01\x02\x03\x04"))
    assert decoded[:4] == b"\x01\x02\x03\x04"
    assert decoded[4:] == hashlib.sha256(b"\x01\x02\x03\x04s3cret").digest()


def test_the_checked_in_definitions_hold_no_password() -> None:
    from services.cli.definitions import definitions

    document = definitions(Settings(amqp_url=None))
    users = document["users"]
    assert isinstance(users, list)
    assert users and all(u["password_hash"] == "" for u in users)


def test_the_processor_refuses_a_publication_its_worker_did_not_declare(
        settings: Settings) -> None:
    undeclared = replace(WORKER, publishes=(Publication(EVENTS_EXCHANGE, "test.other.v1"),))
    declared = replace(WORKER, publishes=(Publication(EVENTS_EXCHANGE, "test.*.v1"),))
    engine = create_service_engine("ledger", settings, metadata)
    refused = Processor(undeclared, engine, settings, SystemClock()).process(
        delivery(Credit(account="A1", amount=1)))
    assert isinstance(refused, DeadLetter)
    assert "may not publish 'test.credited.v1'" in refused.reason
    allowed = Processor(declared, engine, settings, SystemClock()).process(
        delivery(Credit(account="A2", amount=1)))
    assert isinstance(allowed, Done) and len(allowed.to_publish) == 1


def test_each_service_brings_its_own_credentials(tmp_path: Path) -> None:
    secret = tmp_path / "amqp-notification"
    secret.write_text("p@ss/word:1\n")
    settings = Settings(amqp_url="amqp://guest:guest@rabbit:5672/%2F",
                        amqp_user="dsr-notification", amqp_password_file=secret)
    assert settings.broker_url == "amqp://dsr-notification:p%40ss%2Fword%3A1@rabbit:5672/%2F"
    params = pika_parameters(settings)
    assert isinstance(params.credentials, PlainCredentials)
    assert params.credentials.username == "dsr-notification"
    assert params.credentials.password == "p@ss/word:1"
    assert params.ssl_options is None
    unchanged = Settings(amqp_url="amqp://guest:guest@127.0.0.1:5672/%2F")
    assert unchanged.broker_url == unchanged.amqp_url


def test_amqps_verifies_the_broker_certificate() -> None:
    settings = Settings(amqp_url="amqps://rabbit.example:5671/%2F", amqp_user="dsr-crm",
                        amqp_password="x")
    context = tls_context(settings)
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    params = pika_parameters(settings)
    assert params.ssl_options is not None
    assert params.ssl_options.server_hostname == "rabbit.example"
    assert isinstance(kombu_options(settings)["ssl"], ssl.SSLContext)


def test_postgres_tls_and_password_come_from_settings(tmp_path: Path) -> None:
    secret = tmp_path / "pg"
    secret.write_text("pg pass\n")
    settings = Settings(database_url="postgresql://dsr@db:5432/dsr?application_name=dsr",
                        database_password_file=secret, database_sslmode="verify-full",
                        database_sslrootcert=Path("/run/secrets/pg-ca.crt"))
    assert settings.database_dsn == (
        "postgresql://dsr:pg%20pass@db:5432/dsr?application_name=dsr&sslmode=verify-full"
        "&sslrootcert=%2Frun%2Fsecrets%2Fpg-ca.crt")
    assert Settings(database_url=None).database_dsn is None
