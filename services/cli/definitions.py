"""The broker as a RabbitMQ definitions file, from the same plan the workers declare.

Topology (exchanges, queues, bindings) and one user per service with least-privilege
permissions (``services/runtime/amqp/permissions.py``). The checked-in file has no password
hashes; ``dsr topology --with-passwords`` adds them from the environment or secret files.
"""

from __future__ import annotations

import json

from dramatiq.common import xq_name

from services.clients import CLIENTS
from services.runtime.amqp import permissions
from services.runtime.amqp.permissions import Grant, PasswordLookup
from services.runtime.amqp.topology import plan, to_definitions
from services.runtime.settings import Settings
from services.workers import workers

DEFINITIONS_PATH = "infra/rabbitmq/definitions.json"


def grants() -> list[Grant]:
    """Every broker user: the administrator, one per worker, one per client."""
    all_workers = workers()
    found = [permissions.admin_grant()]
    found += [permissions.worker_grant(w, replies=w.answers_queries)
              for w in all_workers]
    dead_letter_queues = tuple(w.dead_letter_queue for w in all_workers)
    dead_letter_queues += tuple(xq_name(task) for w in all_workers for task in w.tasks)
    found += [permissions.client_grant(
        c.name, c.purpose, c.publishes, c.observes, c.asks_status,
        dead_letter_queues if c.dead_letters else ()) for c in CLIENTS]
    return found


def definitions(settings: Settings, passwords: PasswordLookup | None = None) -> dict[str, object]:
    topology = plan(workers(), settings)
    return {"vhosts": [{"name": "/"}], **to_definitions(topology),
            **permissions.to_definitions(grants(), passwords=passwords)}


def definitions_json(settings: Settings, passwords: PasswordLookup | None = None) -> str:
    document = definitions(settings, passwords)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
