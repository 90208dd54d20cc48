"""The models as a call-centre integrator meets them: what is refused, what round-trips."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from contracts import CONTENT_TYPE, CloudEvent, Message
from contracts.backoffice import StoreAction, StoreCommand
from contracts.catalog import MESSAGES
from contracts.intake import RequestSubmitted
from contracts.vocabulary import Store

VERSIONED = re.compile(r"\.v[0-9]+$")


def submission(**overrides: Any) -> dict[str, Any]:
    """A valid call-centre intake payload, as JSON-ish data."""
    data: dict[str, Any] = {
        "channel": "callcentre",
        "channel_reference": "CALL-7400-000123",
        "received_at": "2026-03-02T09:15:00+00:00",
        "right": "access",
        "subject": {"msisdn": "+22376123456", "full_name": "Awa Traoré"},
        "identity_document": {"kind": "nina_card", "number": "NINA-123456",
                              "holder_name": "Awa Traoré"},
    }
    data.update(overrides)
    return data


def test_a_valid_submission_is_accepted() -> None:
    message = RequestSubmitted.model_validate(submission())
    assert message.received_at == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


def test_a_naive_received_at_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        RequestSubmitted.model_validate(submission(received_at="2026-03-02T09:15:00"))
    assert [e["loc"] for e in caught.value.errors()] == [("received_at",)]


@pytest.mark.parametrize("msisdn", ["76123456", "0022376123456", "+2237612345",
                                    "+223761234567", "+22476123456", "+223 76 12 34 56"])
def test_an_msisdn_not_in_plus_223_and_8_digits_form_is_refused(msisdn: str) -> None:
    subject = {"msisdn": msisdn, "full_name": "Awa Traoré"}
    with pytest.raises(ValidationError) as caught:
        RequestSubmitted.model_validate(submission(subject=subject))
    assert [e["loc"] for e in caught.value.errors()] == [("subject", "msisdn")]


def test_an_unknown_right_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        RequestSubmitted.model_validate(submission(right="portability"))
    assert [e["loc"] for e in caught.value.errors()] == [("right",)]


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError):
        RequestSubmitted.model_validate(submission(priority="high"))


def test_a_valid_submission_round_trips_through_the_envelope() -> None:
    message = RequestSubmitted.model_validate(submission())
    event = CloudEvent.wrap(message, source="callcentre/7400", subject="CALL-7400-000123")
    body = event.to_json()

    raw = json.loads(body)
    assert raw["specversion"] == "1.0"
    assert raw["type"] == "intake.request.submitted.v1"
    assert raw["datacontenttype"] == "application/json"
    assert CONTENT_TYPE == "application/cloudevents+json"

    back = CloudEvent.model_validate_json(body)
    assert back == event
    assert RequestSubmitted.model_validate(back.data) == message


@pytest.mark.parametrize("message", [m for m in MESSAGES if "{" not in m.message_type])
def test_the_event_type_is_the_routing_key_and_is_versioned(message: type[Message]) -> None:
    assert VERSIONED.search(message.message_type)


def test_the_wrapped_type_equals_the_routing_key() -> None:
    message = RequestSubmitted.model_validate(submission())
    event = CloudEvent.wrap(message, source="callcentre/7400")
    assert event.type == message.routing_type() == RequestSubmitted.message_type
    assert VERSIONED.search(event.type)


def test_store_command_routing_type() -> None:
    command = StoreCommand(command_id="c-1", reference="DSR-2026-000001",
                           store=Store.CRM, action=StoreAction.DISCOVER)
    assert command.routing_type() == "backoffice.crm.discover.v1"
    assert CloudEvent.wrap(command, source="discovery").type == "backoffice.crm.discover.v1"


@pytest.mark.parametrize("action", list(StoreAction))
@pytest.mark.parametrize("store", list(Store))
def test_every_store_command_can_be_wrapped(store: Store, action: StoreAction) -> None:
    command = StoreCommand(command_id="c-1", reference="DSR-2026-000001",
                           store=store, action=action)
    event = CloudEvent.wrap(command, source="fulfilment")
    assert event.type == f"backoffice.{store.value}.{action.value}.v1"
    assert VERSIONED.search(event.type)
