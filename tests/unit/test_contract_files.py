"""The checked-in contract files are what the models generate, and say what integrators need."""

from __future__ import annotations

import re
from typing import Any

import pytest

from contracts import CloudEvent, Message, generate
from contracts.backoffice import StoreAction, StoreCommand
from contracts.catalog import MESSAGES
from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from contracts.intake import RequestSubmitted
from contracts.status import QueryRefused, StatusQuery, StatusReply
from contracts.vocabulary import Store
from services.contract_files import roles

ROLES = roles()
DOCUMENT = generate.asyncapi(ROLES)
INTAKE_REQUIRED = {"channel", "channel_reference", "received_at", "right", "subject",
                   "identity_document"}


def resolve(ref: str) -> Any:
    """Follow a local JSON pointer (``#/a/b``) in the AsyncAPI document."""
    assert ref.startswith("#/"), ref
    node: Any = DOCUMENT
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_checked_in_files_match_the_models() -> None:
    stale = generate.check(ROLES, generate.CONTRACTS_DIR)
    assert stale == [], f"run `make contracts` (python -m services.contract_files): {stale}"


def test_generation_is_deterministic() -> None:
    assert generate.expected_files(ROLES) == generate.expected_files(roles())


def test_every_message_has_a_schema_file_a_channel_and_a_message() -> None:
    files = generate.expected_files(ROLES)
    for message in MESSAGES:
        assert generate.schema_path(message) in files
        channel = DOCUMENT["channels"][generate.file_stem(message)]
        answers = [StatusReply, QueryRefused] if message is StatusReply else [message]
        assert list(channel["messages"]) == [m.__name__ for m in answers]
        assert message.__name__ in DOCUMENT["components"]["messages"]
        if message in (StatusReply, QueryRefused):
            assert channel["address"] is None  # the querier's reply_to
        else:
            assert channel["address"] == message.message_type


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m.message_type)
def test_each_channel_names_the_right_exchange(message: type[Message]) -> None:
    amqp = DOCUMENT["channels"][generate.file_stem(message)]["bindings"]["amqp"]
    exchange = amqp["exchange"]
    if message in (StatusReply, QueryRefused):
        assert (exchange["name"], exchange["type"]) == ("", "direct")
    elif message is StoreCommand:
        assert (exchange["name"], exchange["type"]) == (COMMANDS_EXCHANGE, "topic")
    else:
        assert (exchange["name"], exchange["type"]) == (EVENTS_EXCHANGE, "topic")
    assert exchange["durable"] is True
    assert exchange["vhost"] == "/"


def test_templated_channels_declare_their_parameters() -> None:
    channel = DOCUMENT["channels"]["backoffice.store.action.v1"]
    assert channel["address"] == "backoffice.{store}.{action}.v1"
    assert channel["parameters"]["store"]["enum"] == [s.value for s in Store]
    assert channel["parameters"]["action"]["enum"] == [a.value for a in StoreAction]


def test_all_refs_resolve() -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    resolve(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(DOCUMENT)
    assert "$defs" not in repr(DOCUMENT)


def _examples() -> list[Message]:
    submitted = RequestSubmitted.model_validate({
        "channel": "callcentre", "channel_reference": "CALL-1",
        "received_at": "2026-03-02T09:15:00Z", "right": "objection",
        "subject": {"msisdn": "+22376123456", "full_name": "Awa Traoré"},
        "identity_document": None,
    })
    command = StoreCommand(command_id="c-1", reference="DSR-2026-000001",
                           store=Store.CRM, action=StoreAction.OPT_OUT)
    reply = StatusReply(reference="DSR-2026-000001", found=False)
    query = StatusQuery(reference="DSR-2026-000001")
    return [submitted, command, reply, query]


@pytest.mark.parametrize("payload", _examples(), ids=lambda m: m.routing_type())
def test_schemas_describe_real_example_messages(payload: Message) -> None:
    """jsonschema is not in the environment: check the facts a validator would check first."""
    event = CloudEvent.wrap(payload, source="test")
    schema = generate.message_schema(type(payload))
    envelope = event.model_dump(mode="json", exclude_none=True)
    assert set(schema["required"]) <= set(envelope) <= set(schema["properties"])
    type_schema = schema["properties"]["type"]
    if "const" in type_schema:
        assert event.type == type_schema["const"]
    else:
        assert re.fullmatch(type_schema["pattern"], event.type)
    data_schema = schema["properties"]["data"]
    assert set(data_schema["required"]) <= set(event.data) <= set(data_schema["properties"])
    for ref in re.findall(r"'\$ref': '#/\$defs/([^']+)'", repr(schema)):
        assert ref in schema["$defs"]


def test_asyncapi_version_and_intake_receive_operation() -> None:
    assert DOCUMENT["asyncapi"] == "3.0.0"
    assert DOCUMENT["defaultContentType"] == "application/cloudevents+json"
    server = DOCUMENT["servers"]["production"]
    assert (server["host"], server["protocol"]) == ("rabbitmq:5672", "amqp")

    receives = [op for op in DOCUMENT["operations"].values() if op["action"] == "receive"
                and resolve(op["channel"]["$ref"])["address"] == "intake.request.submitted.v1"]
    assert len(receives) == 1
    (message,) = (resolve(ref["$ref"]) for ref in receives[0]["messages"])
    component = resolve(message["$ref"])
    assert component["contentType"] == "application/cloudevents+json"
    payload = component["payload"]
    assert payload["properties"]["type"]["const"] == "intake.request.submitted.v1"
    data = resolve(payload["properties"]["data"]["$ref"])
    assert set(data["required"]) == INTAKE_REQUIRED


def test_operations_send_what_the_system_publishes() -> None:
    actions = {op["channel"]["$ref"].removeprefix("#/channels/"): op["action"]
               for op in DOCUMENT["operations"].values()}
    received = {"intake.request.submitted.v1", "intake.document.submitted.v1",
                "intake.request.withdrawal-submitted.v1", "request.status.query.v1",
                "identity.review-decided.v1", "backoffice.store.action.result.v1",
                # the back office and the clock publish these; the list restated by hand
                # before routes fed the document had them as the product's own
                "fulfilment.review-decided.v1", "restriction.lift-requested.v1",
                "clock.ticked.v1"}
    assert actions == {generate.file_stem(m): "receive" if generate.file_stem(m) in received
                       else "send" for m in MESSAGES}
    query = DOCUMENT["operations"]["receiveStatusQuery"]
    assert query["reply"]["channel"]["$ref"] == "#/channels/request.status.reply.v1"
    assert [m["$ref"].rsplit("/", 1)[1] for m in query["reply"]["messages"]] == [
        "StatusReply", "QueryRefused"], "a query that cannot be read is answered too"
