"""The broker topology as a RabbitMQ definitions file, from the same plan the workers declare."""

from __future__ import annotations

import json

from services.runtime.amqp.topology import plan, to_definitions
from services.runtime.settings import Settings
from services.workers import workers

DEFINITIONS_PATH = "infra/rabbitmq/definitions.json"


def definitions_json(settings: Settings) -> str:
    document = to_definitions(plan(workers(), settings))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
