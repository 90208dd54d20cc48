"""Every string of the inbound contract is bounded and clean; every time is RFC 3339; the
envelope is CloudEvents JSON as sent, with readable values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import String

from contracts.backoffice import StoreCommand
from contracts.corrections import Corrections
from contracts.envelope import CloudEvent, Message
from contracts.fulfilment import FulfilmentReviewDecided
from contracts.identity import ReviewDecided
from contracts.intake import DocumentSubmitted, RequestSubmitted, WithdrawalSubmitted
from contracts.restriction import RestrictionLiftRequested
from contracts.status import StatusQuery
from contracts.text import CORRECTION_MAX_LENGTHS, CorrectionValue, Line, Paragraph
from contracts.times import Day, ReceiptTime, Time, receipt_context
from services.runtime.delivery import DeadLetter, Delivery
from services.runtime.settings import Settings
from services.runtime.validation import EnvelopeError, parse_envelope
from simulators.billing.tables import accounts
from simulators.crm.tables import contact_points, customers
from tests.support.ledger import Credit
from tests.unit.test_processor import make

INBOUND: tuple[type[Message], ...] = (
    RequestSubmitted, DocumentSubmitted, WithdrawalSubmitted, StatusQuery, ReviewDecided,
    FulfilmentReviewDecided, RestrictionLiftRequested, StoreCommand)
NOW = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


def _unbounded_strings(schema: dict[str, Any], defs: dict[str, Any], path: str) -> list[str]:
    if "$ref" in schema:
        return _unbounded_strings(defs[schema["$ref"].rsplit("/", 1)[1]], defs, path)
    found: list[str] = []
    bounded = {"enum", "const", "maxLength", "format"} & schema.keys()
    if schema.get("type") == "string" and not bounded:
        found.append(path)
    for key in ("anyOf", "allOf", "oneOf"):
        for branch in schema.get(key, []):
            found += _unbounded_strings(branch, defs, path)
    for name, child in schema.get("properties", {}).items():
        found += _unbounded_strings(child, defs, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _unbounded_strings(schema[key], defs, f"{path}[]")
    return found


@pytest.mark.parametrize("message", [*INBOUND, CloudEvent], ids=lambda m: m.__name__)
def test_every_string_of_an_inbound_message_has_a_maximum_length(message: type[Any]) -> None:
    schema = message.model_json_schema()
    assert _unbounded_strings(schema, schema.get("$defs", {}), message.__name__) == []


@pytest.mark.parametrize("text", ["Awa\x00", "Awa\x1b[31m", "Awa\nSangaré", "Awa\u202eérangaS",
                                  "Awa\ud800"])
def test_a_line_refuses_control_characters(text: str) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        TypeAdapter(Line).validate_python(text)


def test_a_line_keeps_every_script_and_a_paragraph_its_line_breaks() -> None:
    assert TypeAdapter(Line).validate_python("Moussa Keïta ߡߎߛߊ") == "Moussa Keïta ߡߎߛߊ"
    assert TypeAdapter(Paragraph).validate_python("ligne 1\r\n\tligne 2") == "ligne 1\r\n\tligne 2"
    with pytest.raises(ValidationError):
        TypeAdapter(Paragraph).validate_python("ligne\x00")


def test_correction_limits_are_the_store_columns() -> None:
    for field, limit in CORRECTION_MAX_LENGTHS.items():
        column = customers.c[field].type
        assert getattr(column, "length", len("YYYY-MM-DD")) == limit, field
    widest = TypeAdapter(CorrectionValue).json_schema()["maxLength"]
    value_column, address_column = contact_points.c.value.type, accounts.c.billing_address.type
    assert isinstance(value_column, String) and isinstance(address_column, String)
    assert widest == value_column.length == address_column.length


def test_a_correction_longer_than_its_column_is_refused_with_its_name() -> None:
    corrections = TypeAdapter(Corrections)
    assert corrections.validate_python({"address": "a" * 300, "full_name": "A" * 200})
    with pytest.raises(ValidationError) as long_address:
        corrections.validate_python({"address": "a" * 384})
    assert long_address.value.errors()[0]["loc"] == ("address",)
    with pytest.raises(ValidationError, match="at most 1 characters, 2 given") as long_gender:
        corrections.validate_python({"gender": "FF"})
    assert long_gender.value.errors()[0]["loc"] == ("gender",)
    with pytest.raises(ValidationError, match="control characters"):
        corrections.validate_python({"email": "a@b.ml\x00"})


def test_a_correction_key_the_contract_does_not_define_is_refused_with_its_name() -> None:
    with pytest.raises(ValidationError) as unknown:
        Corrections.model_validate({"surname": "Keyta", "_document_supports": "true"})
    assert [(e["loc"], e["type"]) for e in unknown.value.errors()] == [
        (("_document_supports",), "extra_forbidden")]


def test_corrections_travel_as_the_fields_given() -> None:
    corrections = Corrections(email="a@example.ml", surname="Keyta")
    assert corrections.model_dump(mode="json") == {"email": "a@example.ml", "surname": "Keyta"}
    assert Corrections.model_validate_json(corrections.model_dump_json()) == corrections


@pytest.mark.parametrize("value", [0, 1_700_000_000, 1.5, "1700000000", "2026-11-02T09:30:00",
                                   "2026-11-02", "02/11/2026 09:30"])
def test_a_time_is_an_rfc3339_string_with_a_timezone(value: object) -> None:
    with pytest.raises(ValidationError, match="RFC 3339"):
        TypeAdapter(Time).validate_python(value)


def test_rfc3339_times_and_days_are_read() -> None:
    assert TypeAdapter(Time).validate_python("2026-11-02T09:30:00Z") == NOW - timedelta(hours=1)
    assert TypeAdapter(Time).validate_python("2026-11-02T10:30:00.5+01:00") == \
        NOW - timedelta(hours=1) + timedelta(milliseconds=500)
    assert TypeAdapter(Day).validate_python("2026-11-02").isoformat() == "2026-11-02"
    with pytest.raises(ValidationError, match="RFC 3339"):
        TypeAdapter(Day).validate_python(0)


def test_a_receipt_in_the_future_beyond_the_skew_is_refused() -> None:
    receipt = TypeAdapter(ReceiptTime)
    context = receipt_context(NOW, timedelta(seconds=300))
    assert receipt.validate_python("2026-11-02T10:34:59Z", context=context)
    with pytest.raises(ValidationError, match="in the future"):
        receipt.validate_python("2026-11-02T10:35:01Z", context=context)


def test_the_clock_skew_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().clock_skew_s == 300
    monkeypatch.setenv("DSR_CLOCK_SKEW_S", "30")
    assert Settings().clock_skew_s == 30


def _envelope(**changes: Any) -> dict[str, Any]:
    wrapped = CloudEvent.wrap(Credit(account="A1", amount=5), source="urn:test", time=NOW)
    event: dict[str, Any] = json.loads(wrapped.to_json())
    event.update(changes)
    return event


def _problems(body: bytes, content_type: str | None = "application/cloudevents+json"
              ) -> list[tuple[str, str]]:
    with pytest.raises(EnvelopeError) as refused:
        parse_envelope(body, content_type)
    return refused.value.problems


def test_the_envelope_requires_its_specversion_and_an_rfc3339_time() -> None:
    event = _envelope()
    del event["specversion"]
    assert _problems(json.dumps(event).encode()) == [("specversion", "Field required")]
    fields = [f for f, _ in _problems(json.dumps(_envelope(time=0)).encode())]
    assert fields == ["time"]


def test_extension_attributes_are_named_and_clean() -> None:
    for extension in ({"Bad-Name": "x"}, {"note": "x\x00"}, {"nested": {"a": 1}}):
        problems = _problems(json.dumps(_envelope(**extension)).encode())
        assert "extension attribute" in problems[0][1]


def test_values_json_cannot_hold_are_named_by_their_field() -> None:
    body = json.dumps(_envelope(data={"account": "A1", "amount": "HUGE"})).replace(
        '"HUGE"', "9" * 5000).encode()
    assert _problems(body) == [("data.amount", "a number of 5000 digits: at most 40")]
    body = json.dumps(_envelope(data={"account": "A1", "amount": "NAN"})).replace(
        '"NAN"', "NaN").encode()
    assert _problems(body) == [("data.amount", "NaN is not a JSON number")]


@pytest.mark.parametrize("content_type", ["application/cloudevents+json",
                                          "application/cloudevents+json; charset=utf-8",
                                          "Application/CloudEvents+JSON"])
def test_structured_cloudevents_json_is_accepted(content_type: str) -> None:
    assert parse_envelope(json.dumps(_envelope()).encode(), content_type).type == \
        "test.credit.v1"


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain",
                                          "application/cloudevents+json; charset=latin-1"])
def test_another_content_type_is_refused_with_the_reason(content_type: str | None) -> None:
    [(field, problem)] = _problems(json.dumps(_envelope()).encode(), content_type)
    assert field == "(content-type)" and "application/cloudevents+json" in problem


def test_a_worker_dead_letters_a_wrong_content_type_with_the_reason(settings: Settings) -> None:
    event = CloudEvent.wrap(Credit(account="A1", amount=5), source="urn:test")
    outcome = make(settings).process(Delivery(body=event.to_json(), routing_key=event.type,
                                              content_type="application/xml"))
    assert isinstance(outcome, DeadLetter)
    assert "(content-type)" in outcome.reason and "'application/xml'" in outcome.reason


def test_only_a_letter_has_a_return_address() -> None:
    call = {"channel": "callcentre", "channel_reference": "call-1",
            "received_at": "2026-11-02T09:00:00Z", "right": "access",
            "subject": {"msisdn": "+22370000001", "full_name": "Awa Sangaré"},
            "identity_document": None, "return_address": ["Rue 12", "Bamako"]}
    with pytest.raises(ValidationError, match="only a postal request has one"):
        RequestSubmitted.model_validate(call)
    letter = RequestSubmitted.model_validate({**call, "channel": "postal"})
    assert letter.return_address == ["Rue 12", "Bamako"]
    with pytest.raises(ValidationError, match="at most 80"):
        RequestSubmitted.model_validate({**call, "channel": "postal",
                                         "return_address": ["x" * 81]})
