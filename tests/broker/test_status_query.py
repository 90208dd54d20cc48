"""A 7400 agent asks where a request stands: request/reply over RabbitMQ (kombu client)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.envelope import CloudEvent
from contracts.intake import RequestSubmitted, SubjectClaim
from contracts.vocabulary import Channel, Right
from services.cli.clients import KombuClient
from services.workers import SAGA
from tests.conftest import embedded_settings
from tests.support.harness import rabbit_harness, request_rows, states

pytestmark = pytest.mark.broker


def test_status_query_answers_the_state_and_due_date(amqp_url: str, tmp_path: Path) -> None:
    channel_reference = f"call-{uuid.uuid4()}"
    intake = RequestSubmitted(
        channel=Channel.CALLCENTRE, channel_reference=channel_reference,
        received_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), right=Right.ACCESS,
        subject=SubjectClaim(msisdn="+22370000009", full_name="Oumar Maïga"),
        identity_document=None)
    client = KombuClient(amqp_url)
    with rabbit_harness(embedded_settings(tmp_path, amqp_url=amqp_url), SAGA) as harness:
        client.publish(CloudEvent.wrap(intake, source="test"))
        harness.wait_until(lambda app: states(app).get(channel_reference) == "document_requested")
        reference = request_rows(harness.app)[0]["reference"]
        known = client.status(reference)
        unknown = client.status("DSR-1999-000001")
    assert known is not None and known.found
    assert known.state == "document_requested" and known.right == "access"
    assert known.due_on is not None and known.due_on.isoformat() == "2026-12-02"
    assert unknown is not None and not unknown.found
