"""Generate the contract files from the models: one JSON Schema per message and AsyncAPI 3.0.

``python -m services.contract_files`` (``make contracts``) writes ``contracts/schemas/*.json``
and ``contracts/asyncapi.json``; with ``--check`` it exits 1 and lists the files that differ
from what the models generate (or that no model produces). Which side of each message the
product is on comes in as ``Roles``, read from the workers' routes.
Every function here is pure except :func:`write` and :func:`main`.
"""

from __future__ import annotations

import argparse
import copy
import json
import string
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from contracts.catalog import MESSAGES
from contracts.envelope import CONTENT_TYPE, CloudEvent, Message

JsonObject = dict[str, Any]

CONTRACTS_DIR = Path(__file__).resolve().parent
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:dsr:contracts:schema:"
ASYNCAPI_VERSION = "3.0.0"
CONTRACT_VERSION = "1.0.0"
AMQP_BINDING_VERSION = "0.3.0"
DEFAULT_EXCHANGE = ""
ANY_WORD = "[a-z0-9_-]+"



@dataclass(frozen=True)
class Roles:
    """Which side of each message the product is on, read from the workers' routes by
    ``services/contract_files.py`` (contracts import nothing from services).

    ``received``: what the product consumes from outside (the call centre, the back office,
    the clock, the back-office stores); everything else it sends. ``replies``: each
    request/reply query and its answers (the first names the reply channel), sent to the
    query's AMQP ``reply_to`` by the default exchange.
    """

    received: frozenset[type[Message]]
    replies: Mapping[type[Message], tuple[type[Message], ...]]

    @property
    def reply_messages(self) -> frozenset[type[Message]]:
        return frozenset(m for answers in self.replies.values() for m in answers)


DESCRIPTION = (
    "Personal-data rights requests (access, rectification, erasure, objection, restriction) "
    "carried as a saga over RabbitMQ. Every message is a CloudEvents 1.0 JSON object in "
    "structured mode (content type application/cloudevents+json); its `type` is also its AMQP "
    "routing key and ends in a version (.v1). Events travel on the topic exchange dsr.events, "
    "store commands on dsr.commands; events are published as persistent messages. "
    "request.status.query.v1 is request/reply: the querier sets the AMQP reply_to and "
    "correlation_id properties and the request.status.reply.v1 answer is sent to reply_to "
    "through the default exchange; a query that cannot be read is answered query.refused.v1, "
    "which names each field and what is wrong with it."
)


# -- names ---------------------------------------------------------------------------------

def _placeholders(message: type[Message]) -> list[str]:
    """The ``{names}`` of a templated message type, in order."""
    return [name for _, name, _, _ in string.Formatter().parse(message.message_type) if name]


def file_stem(message: type[Message]) -> str:
    """``backoffice.{store}.{action}.v1`` -> ``backoffice.store.action.v1``."""
    return message.message_type.replace("{", "").replace("}", "")


def schema_path(message: type[Message]) -> str:
    """Path of the message's schema file, relative to the contracts directory."""
    return f"schemas/{file_stem(message)}.json"


def words(message: type[Message], field: str) -> list[str]:
    """The values a placeholder can take: the members of the field's enum, in order."""
    info = message.model_fields.get(field)
    annotation = info.annotation if info is not None else None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return []


def type_pattern(message: type[Message]) -> str:
    """A regular expression that matches every ``type`` of a templated message."""
    parts: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(message.message_type):
        parts.append(literal.replace(".", "\\."))
        if name:
            found = words(message, name)
            parts.append(f"({'|'.join(found)})" if found else ANY_WORD)
    return "^" + "".join(parts) + "$"


def type_schema(message: type[Message]) -> JsonObject:
    """The schema of the envelope's ``type`` for ``message``: a const, or a pattern."""
    schema: JsonObject = {"type": "string", "title": "Type",
                          "description": "CloudEvents type; also the AMQP routing key"}
    if _placeholders(message):
        schema["pattern"] = type_pattern(message)
    else:
        schema["const"] = message.message_type
    return schema


# -- schemas -------------------------------------------------------------------------------

def _rewrite_refs(node: Any, prefix: str) -> Any:
    """A copy of ``node`` with every ``#/$defs/X`` reference pointing at ``prefix + X``."""
    if isinstance(node, dict):
        out: JsonObject = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                out[key] = prefix + value.removeprefix("#/$defs/")
            else:
                out[key] = _rewrite_refs(value, prefix)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, prefix) for item in node]
    return node


def split_defs(message: type[Message]) -> tuple[JsonObject, JsonObject]:
    """The message's pydantic schema without its ``$defs``, and the ``$defs``."""
    schema = message.model_json_schema()
    defs: JsonObject = schema.pop("$defs", {})
    return schema, defs


def envelope_schema(message: type[Message], data: JsonObject) -> JsonObject:
    """The CloudEvent envelope schema with ``type`` constrained and ``data`` set."""
    schema = copy.deepcopy(CloudEvent.model_json_schema())
    schema["properties"]["type"] = type_schema(message)
    schema["properties"]["data"] = data
    schema["title"] = f"{message.__name__} ({message.message_type})"
    schema["description"] = message.summary
    return schema


def message_schema(message: type[Message]) -> JsonObject:
    """The self-contained JSON Schema of one message: envelope, data and its ``$defs``."""
    data, defs = split_defs(message)
    schema: JsonObject = {"$schema": SCHEMA_DIALECT, "$id": ID_PREFIX + file_stem(message)}
    schema.update(envelope_schema(message, data))
    if defs:
        schema["$defs"] = defs
    return schema


# -- AsyncAPI ------------------------------------------------------------------------------

def _exchange(message: type[Message], roles: Roles) -> tuple[str, str]:
    """The exchange a message is published on, and its type."""
    if message in roles.reply_messages:
        return DEFAULT_EXCHANGE, "direct"
    return message.exchange, "topic"


def _channel(message: type[Message], roles: Roles) -> JsonObject:
    name, kind = _exchange(message, roles)
    reply = message in roles.reply_messages
    answers = next((ms for ms in roles.replies.values() if ms[0] is message), (message,))
    channel: JsonObject = {
        "address": None if reply else message.message_type,
        "title": message.message_type,
        "description": message.summary + (
            "; sent to the request's AMQP reply_to queue through the default exchange"
            if reply else ""),
        "messages": {m.__name__: {"$ref": f"#/components/messages/{m.__name__}"}
                     for m in answers},
        "bindings": {"amqp": {
            "is": "routingKey",
            "exchange": {"name": name, "type": kind, "durable": True, "autoDelete": False,
                         "vhost": "/"},
            "bindingVersion": AMQP_BINDING_VERSION,
        }},
    }
    params = _placeholders(message)
    if params:
        channel["parameters"] = {
            p: {"description": f"the {p} of the {message.__name__}",
                **({"enum": found} if (found := words(message, p)) else {})}
            for p in params
        }
    return channel


def _component_message(message: type[Message], roles: Roles) -> JsonObject:
    ref = {"$ref": f"#/components/schemas/{message.__name__}"}
    component: JsonObject = {
        "name": message.__name__,
        "title": message.message_type,
        "summary": message.summary,
        "contentType": CONTENT_TYPE,
        "payload": envelope_schema(message, ref),
    }
    if message in roles.replies or message in roles.reply_messages:
        component["correlationId"] = {"location": "$message.header#/correlation_id",
                                      "description": "the AMQP correlation_id property"}
    return component


def _operation(message: type[Message], roles: Roles) -> tuple[str, JsonObject]:
    action = "receive" if message in roles.received else "send"
    channel_id = file_stem(message)
    operation: JsonObject = {
        "action": action,
        "channel": {"$ref": f"#/channels/{channel_id}"},
        "messages": [{"$ref": f"#/channels/{channel_id}/messages/{message.__name__}"}],
        "summary": message.summary,
    }
    if action == "send":
        operation["bindings"] = {"amqp": {"deliveryMode": 2,
                                          "bindingVersion": AMQP_BINDING_VERSION}}
    answers = roles.replies.get(message)
    if answers is not None:
        reply_id = file_stem(answers[0])
        operation["reply"] = {
            "address": {"location": "$message.header#/reply_to",
                        "description": "the AMQP reply_to property of the request"},
            "channel": {"$ref": f"#/channels/{reply_id}"},
            "messages": [{"$ref": f"#/channels/{reply_id}/messages/{m.__name__}"}
                         for m in answers],
        }
    return f"{action}{message.__name__}", operation


def component_schemas(messages: Sequence[type[Message]]) -> JsonObject:
    """Every message's data schema and every hoisted ``$defs`` entry, by name."""
    prefix = "#/components/schemas/"
    schemas: JsonObject = {}

    def add(name: str, schema: JsonObject) -> None:
        rewritten = _rewrite_refs(schema, prefix)
        if name in schemas and schemas[name] != rewritten:
            raise ValueError(f"two different schemas are named {name!r}")
        schemas[name] = rewritten

    for message in messages:
        data, defs = split_defs(message)
        for name, schema in defs.items():
            add(name, schema)
        add(message.__name__, data)
    return schemas


def asyncapi(roles: Roles, messages: Sequence[type[Message]] = MESSAGES) -> JsonObject:
    """The AsyncAPI 3.0.0 document of the contract."""
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {"title": "Data-subject rights requests", "version": CONTRACT_VERSION,
                 "description": DESCRIPTION},
        "defaultContentType": CONTENT_TYPE,
        "servers": {"production": {
            "host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
            "description": "The RabbitMQ broker, virtual host /",
        }},
        "channels": {file_stem(m): _channel(m, roles) for m in messages},
        "operations": dict(_operation(m, roles) for m in messages),
        "components": {
            "schemas": component_schemas(messages),
            "messages": {m.__name__: _component_message(m, roles) for m in messages},
        },
    }


# -- files ---------------------------------------------------------------------------------

def render(document: JsonObject) -> str:
    """Deterministic JSON text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files(roles: Roles, messages: Sequence[type[Message]] = MESSAGES) -> dict[str, str]:
    """Relative path -> text of every generated file."""
    files = {schema_path(m): render(message_schema(m)) for m in messages}
    if len(files) != len(messages):
        raise ValueError("two messages map to the same schema file")
    files["asyncapi.json"] = render(asyncapi(roles, messages))
    return dict(sorted(files.items()))


def check(roles: Roles, root: Path = CONTRACTS_DIR,
          messages: Sequence[type[Message]] = MESSAGES) -> list[str]:
    """Relative paths that differ from the models, are missing, or no model produces."""
    expected = expected_files(roles, messages)
    problems = [
        path for path, text in expected.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    problems += [path for path in _present_schemas(root) if path not in expected]
    return sorted(problems)


def _present_schemas(root: Path) -> list[str]:
    return sorted(f"schemas/{p.name}" for p in (root / "schemas").glob("*.json"))


def write(roles: Roles, root: Path = CONTRACTS_DIR,
          messages: Sequence[type[Message]] = MESSAGES) -> list[str]:
    """Write every generated file and remove schema files no model produces."""
    expected = expected_files(roles, messages)
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    for stale in _present_schemas(root):
        if stale not in expected:
            (root / stale).unlink()
    for path, text in expected.items():
        (root / path).write_text(text, encoding="utf-8")
    return list(expected)


def main(roles: Roles, argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.contract_files",
                                     description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the checked-in files differ from the models")
    parser.add_argument("--root", type=Path, default=CONTRACTS_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root: Path = args.root
    if args.check:
        problems = check(roles, root)
        if problems:
            print("contract files out of date (run `make contracts`):", file=sys.stderr)
            for path in problems:
                print(f"  {root / path}", file=sys.stderr)
            return 1
        return 0
    for path in write(roles, root):
        print(root / path)
    return 0

