"""Thousands of malformed, oversized, wrongly typed, wrongly encoded and hostile intakes,
mixed with valid ones: every bad one is answered with a reason, every valid one completes."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contracts.envelope import CONTENT_TYPE
from contracts.vocabulary import Right
from tests.conftest import embedded_settings
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import embedded_harness, rejections, request_rows, submit
from tests.support.intakes import RUN_STARTS, intake
from tests.support.subjects import request_for, seeded

ROUTING_KEY = "intake.request.submitted.v1"
VALID = json.loads(request_for("CM-100001", Right.ACCESS, "template").to_json())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
FIELDS = ["channel", "channel_reference", "received_at", "right", "subject",
          "identity_document", "details"]


def _mutated(field: str, value: Any) -> bytes:
    event = json.loads(json.dumps(VALID))
    event["id"] = str(uuid.uuid4())
    event["data"]["channel_reference"] = f"fuzz-{uuid.uuid4()}"
    event["data"][field] = value
    return json.dumps(event).encode()


hostile_bodies = st.one_of(
    st.binary(max_size=200),                                      # bytes, any encoding
    json_values.map(lambda v: json.dumps(v).encode()),             # JSON, not an envelope
    st.tuples(st.sampled_from(FIELDS), json_values).map(lambda fv: _mutated(*fv)),
    st.sampled_from(FIELDS).map(lambda f: _mutated(f, "x" * 300_000)),  # oversized field
    st.just(b'{"data": ' * 20_000),                               # deeply nested, unfinished
    st.just("<script>alert('7400')</script>".encode("utf-16")),   # hostile and mis-encoded
)


@settings(max_examples=3, deadline=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(st.lists(hostile_bodies, min_size=600, max_size=800, unique=True))
def test_bad_intakes_are_answered_and_valid_ones_complete(bodies: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as data_dir, \
            embedded_harness(embedded_settings(Path(data_dir), log_level="ERROR")) as harness:
        seeded(harness)
        valid = [request_for(code, right, f"valid-{n}") for n, (code, right) in
                 enumerate(zip(["CM-100002", "CM-100003", "CM-100004"] * 3, list(Right) * 2,
                               strict=False))]
        for n, body in enumerate(bodies):
            harness.publish_raw(body, ROUTING_KEY)
            if n % 100 == 0 and valid:
                submit(harness, valid.pop())
        for event in valid:
            submit(harness, event)
        harness.wait_until(lambda app: True)
        app = harness.app
        answered = len(rejections(app))
        registered = {r["channel_reference"]: r["state"] for r in request_rows(app)}
        dead = harness.bus.broker.depth("dsr.intake.dlq")
    # A mutation may still be a valid intake (another channel, empty details): it registers.
    mutated_but_valid = sum(ref.startswith("fuzz-") for ref in registered)
    assert dead == 0, "a bad intake is answered, not dead-lettered"
    assert answered + mutated_but_valid == len(bodies), "every body answered or registered"
    assert all(registered[f"valid-{n}"] == "completed" for n in range(9))


def _hostile(reference: str, change: Callable[[dict[str, Any]], None]) -> bytes:
    event = json.loads(intake(Right.RECTIFICATION, "+22370000001", "Awa Sangaré",
                              channel_reference=reference).to_json())
    change(event)
    return json.dumps(event).replace(json.dumps(HUGE), "9" * 5001).encode()


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(event: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = event
        for part in parents:
            target = target[part]
        if value is _DROP:
            del target[last]
        else:
            target[last] = value
    return change


_DROP = object()
HUGE = "a number of 5001 digits"  # json cannot read it: past Python's 4,300-digit limit
HOSTILE: dict[str, tuple[bytes, str | None, str, str]] = {
    # channel reference: (body, content type, field named, words of the problem)
    "huge-integer": (_hostile("huge-integer", _set("data.details.statement", HUGE)),
                     CONTENT_TYPE, "data.details.statement", "5001 digits"),
    "nul": (_hostile("nul", _set("data.subject.full_name", "Awa\u0000 Sangaré")),
            CONTENT_TYPE, "data.subject.full_name", "control characters"),
    "numeric-receipt": (_hostile("numeric-receipt", _set("data.received_at", 86_400)),
                        CONTENT_TYPE, "data.received_at", "RFC 3339"),
    "numeric-time": (_hostile("numeric-time", _set("time", 0)), CONTENT_TYPE, "time",
                     "RFC 3339"),
    "future-receipt": (_hostile("future-receipt", _set(
        "data.received_at", (RUN_STARTS + timedelta(days=1)).isoformat())),
        CONTENT_TYPE, "data.received_at", "in the future"),
    "no-specversion": (_hostile("no-specversion", _set("specversion", _DROP)), CONTENT_TYPE,
                       "specversion", "required"),
    "wrong-content-type": (_hostile("wrong-content-type", lambda event: None), "text/plain",
                           "(content-type)", "application/cloudevents+json"),
    "no-content-type": (_hostile("no-content-type", lambda event: None), None,
                        "(content-type)", "missing"),
    "long-address": (_hostile("long-address", _set("data.details.corrections",
                                                   {"address": "Rue 12, Bamako " * 27})),
                     CONTENT_TYPE, "data.details.corrections.address", "at most 300"),
    "long-name-correction": (_hostile("long-name-correction", _set(
        "data.details.corrections", {"full_name": "Awa " * 60})),
        CONTENT_TYPE, "data.details.corrections.full_name", "at most 200 characters"),
    "correction-outside-the-contract": (_hostile("correction-outside-the-contract", _set(
        "data.details.corrections", {"surname": "Koné", "_document_supports": "true"})),
        CONTENT_TYPE, "data.details.corrections._document_supports", "not permitted"),
}


def test_hostile_intakes_are_answered_at_once_with_the_field(start: HarnessFactory) -> None:
    """One attempt only: a body handled as a bug (retried) would be dead-lettered instead."""
    within_skew = intake(Right.ACCESS, "+22370000002", "Bakary Diallo",
                         channel_reference="within-skew",
                         received_at=RUN_STARTS + timedelta(minutes=2))
    with start(("intake",), max_attempts=1) as harness:
        rejected = harness.observe("intake.request.rejected.v1")
        for body, content_type, _field, _problem in HOSTILE.values():
            harness.publish_raw(body, ROUTING_KEY, content_type=content_type)
        submit(harness, within_skew)
        harness.wait_until(lambda app: len(rejections(app)) == len(HOSTILE)
                           and len(request_rows(app)) == 1)
        harness.wait_until(lambda app: len(rejected.events()) == len(HOSTILE))
        answers = {e.data["channel_reference"]: e.data["problems"] for e in rejected.events()}
        dead = harness.dead_lettered("intake")
        registered = [row["channel_reference"] for row in request_rows(harness.app)]
    assert dead == 0, "nothing is retried as a bug and dead-lettered"
    assert registered == ["within-skew"], "a receipt time within the clock skew is accepted"
    for reference, (_body, _type, field, words) in HOSTILE.items():
        assert any(p["field"] == field and words in p["problem"]
                   for p in answers[reference]), (reference, answers[reference])
