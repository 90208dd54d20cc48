"""The broker topology: what operators import is what the workers declare."""

from pathlib import Path

from services.cli.definitions import DEFINITIONS_PATH, definitions_json
from services.runtime.amqp.topology import plan
from services.runtime.settings import Settings
from services.workers import workers

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_definitions_match_the_route_tables() -> None:
    checked_in = (ROOT / DEFINITIONS_PATH).read_text()
    assert checked_in == definitions_json(Settings(amqp_url=None)), \
        "run `dsr topology` to regenerate infra/rabbitmq/definitions.json"


def test_every_worker_queue_is_quorum_with_a_delivery_limit_and_a_dead_letter_queue() -> None:
    topology = plan(workers(), Settings(amqp_url=None, delivery_limit=7))
    queues = {q.name: q.arguments for q in topology.queues}
    for worker in workers():
        arguments = queues[worker.queue]
        assert arguments["x-queue-type"] == "quorum"
        assert arguments["x-delivery-limit"] == 7
        assert arguments["x-dead-letter-strategy"] == "at-least-once"
        assert ("dsr.dlx", worker.dead_letter_queue, worker.name) in topology.bindings


def test_stores_consume_only_their_own_commands() -> None:
    topology = plan(workers(), Settings(amqp_url=None))
    command_bindings = {(q, k) for e, q, k in topology.bindings if e == "dsr.commands"}
    assert command_bindings == {(f"dsr.{s}", f"backoffice.{s}.*.v1")
                                for s in ("crm", "billing", "cdr")}
