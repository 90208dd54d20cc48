"""``dsr review``: identity decisions and failed-fulfilment decisions from one command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from contracts.envelope import CloudEvent
from contracts.status import StatusReply
from services.cli import main as cli

REFERENCE = "DSR-2026-000007"


class Recorder:
    def __init__(self) -> None:
        self.events: list[CloudEvent] = []

    def publish(self, event: CloudEvent) -> None:
        self.events.append(event)

    def status(self, reference: str) -> StatusReply | None:
        return None


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    found = Recorder()
    monkeypatch.setattr(cli, "_client", lambda settings: found)
    return found


@pytest.mark.parametrize(("flag", "event_type", "field", "value"), [
    ("--approve", "identity.review-decided.v1", "approved", True),
    ("--reject", "identity.review-decided.v1", "approved", False),
    ("--retry", "fulfilment.review-decided.v1", "decision", "retry"),
    ("--close", "fulfilment.review-decided.v1", "decision", "close"),
])
def test_each_decision_publishes_its_event(recorder: Recorder, flag: str, event_type: str,
                                           field: str, value: object) -> None:
    result = CliRunner().invoke(cli.main, ["review", REFERENCE, flag, "--reason",
                                           "vu au guichet", "--reviewer", "bko"])
    assert result.exit_code == 0, result.output
    (event,) = recorder.events
    assert event.type == event_type and event.subject == REFERENCE
    assert event.data[field] == value and event.data["reason"] == "vu au guichet"


def test_a_decision_is_required(recorder: Recorder) -> None:
    result = CliRunner().invoke(cli.main, ["review", REFERENCE, "--reason", "pourquoi"])
    assert result.exit_code == 2 and "--retry" in result.output
    assert recorder.events == []
