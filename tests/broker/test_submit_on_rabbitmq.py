"""``dsr submit`` on RabbitMQ: it follows the status events and prints the DSR reference."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from contracts.vocabulary import Right
from services.cli.clients import KombuClient
from services.workers import SAGA
from tests.conftest import embedded_settings
from tests.support.harness import rabbit_harness, request_rows
from tests.support.intakes import intake

pytestmark = pytest.mark.broker


def test_submit_waits_for_the_registration(amqp_url: str, tmp_path: Path) -> None:
    channel_reference = f"call-{uuid.uuid4()}"
    client = KombuClient(amqp_url, timeout_s=5)
    with rabbit_harness(embedded_settings(tmp_path, amqp_url=amqp_url), SAGA) as harness:
        first = client.submit(intake(Right.ACCESS, "+22370000009", "Oumar Maïga",
                                     channel_reference=channel_reference))
        again = client.submit(intake(Right.ACCESS, "+22370000009", "Oumar Maïga",
                                     channel_reference=channel_reference))
        registered = [r["reference"] for r in request_rows(harness.app)]
    assert first.reference is not None and registered == [first.reference]
    assert again.reference is None and "no registration seen" in again.describe()
