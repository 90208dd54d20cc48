"""Thousands of malformed, oversized, wrongly typed, wrongly encoded and hostile intakes,
mixed with valid ones: every bad one is answered with a reason, every valid one completes."""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from contracts.vocabulary import Right
from tests.conftest import embedded_settings
from tests.support.harness import embedded_harness, rejections, request_rows, submit
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
