"""A call-centre system that knows only the documented contract can use the product.

``submit_and_follow`` uses plain pika and JSON, nothing from this project: it publishes an
intake event on ``dsr.events`` and follows ``request.status-changed.v1`` for its own channel
reference. The workers run from project code; the client does not.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pika
import pytest

from tests.conftest import embedded_settings
from tests.support.harness import rabbit_harness
from tests.support.intakes import RECEIVED, RUN_STARTS

pytestmark = pytest.mark.broker


def submit_and_follow(url: str, channel_reference: str,
                      timeout_s: float) -> list[dict[str, Any]]:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    queue = channel.queue_declare("", exclusive=True).method.queue
    assert queue is not None, "the broker names the exclusive queue it declares"
    channel.queue_bind(queue, "dsr.events", "request.status-changed.v1")
    channel.confirm_delivery()
    intake = {
        "specversion": "1.0", "id": str(uuid.uuid4()), "source": "urn:callcentre:7400",
        "type": "intake.request.submitted.v1", "time": RUN_STARTS.isoformat(),
        "datacontenttype": "application/json",
        "data": {
            "channel": "callcentre", "channel_reference": channel_reference,
            "received_at": RECEIVED.isoformat(), "right": "access",
            "subject": {"msisdn": "+22370000001", "full_name": "Awa Sangaré"},
            "identity_document": None, "details": {},
        },
    }
    channel.basic_publish("dsr.events", "intake.request.submitted.v1",
                          json.dumps(intake).encode(),
                          pika.BasicProperties(content_type="application/cloudevents+json",
                                               delivery_mode=2))
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and len(seen) < 2:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None or body is None:
            time.sleep(0.05)
            continue
        event = json.loads(body)
        if event["data"]["channel_reference"] == channel_reference:
            seen.append(event)
    connection.close()
    return seen


def test_a_foreign_client_submits_and_receives_its_status_events(
        amqp_url: str, tmp_path: Path) -> None:
    with rabbit_harness(embedded_settings(tmp_path, amqp_url=amqp_url)):
        events = submit_and_follow(amqp_url, f"call-{uuid.uuid4()}", timeout_s=30)
    states = [e["data"]["state"] for e in events]
    assert states == ["registered", "document_requested"]
    assert all(e["type"] == "request.status-changed.v1" and e["specversion"] == "1.0"
               for e in events)
    assert events[0]["subject"].startswith("DSR-")
    assert events[0]["data"]["due_on"]
