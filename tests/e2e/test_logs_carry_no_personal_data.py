"""SREs read every log line; none may carry a subject's personal data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.vocabulary import Category, Right
from tests.conftest import embedded_settings
from tests.support.harness import embedded_harness, final_count, submit
from tests.support.subjects import SUBJECTS, request_for, seeded


def test_a_full_batch_logs_no_name_number_or_nina(tmp_path: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    with embedded_harness(embedded_settings(tmp_path, log_level="DEBUG")) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ACCESS, "l-1"))
        submit(harness, request_for("CM-100002", Right.RECTIFICATION, "l-2",
                                    corrections={"email": "moussa.keita@example.ml"}))
        submit(harness, request_for("CM-100003", Right.ERASURE, "l-3"))
        submit(harness, request_for("CM-100014", Right.ACCESS, "l-4"))
        submit(harness, request_for("CM-100005", Right.RESTRICTION, "l-5",
                                    categories=[Category.PROFILES_SCORES]))
        harness.wait_until(lambda app: final_count(app) == 5)
    logs = capfd.readouterr()
    lines = (logs.out + logs.err).splitlines()
    assert len(lines) > 50, "the batch was logged"
    secrets = {"moussa.keita@example.ml"}
    for plan in SUBJECTS.values():
        secrets |= {plan.full_name, plan.msisdn, *(h.msisdn for h in plan.holdings)}
        secrets |= {v for v in (plan.nina, plan.surname, plan.rccm, plan.nif) if v}
    leaks = [(secret, line) for line in lines for secret in secrets if secret in line]
    assert leaks == []


def test_every_line_of_a_handled_message_names_its_event_correlation_and_trace(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with embedded_harness(embedded_settings(tmp_path)) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ACCESS, "l-1"))
        harness.wait_until(lambda app: final_count(app) == 1)
    logs = capfd.readouterr()
    handled = [json.loads(line) for line in (logs.out + logs.err).splitlines()
               if '"message.handled"' in line]
    assert len(handled) > 10, "the request was handled by every worker"
    for line in handled:
        assert line["event_id"] and line["correlation_id"] and len(line["trace_id"]) == 32
    first = handled[0]  # the intake as the call centre sent it starts the correlation
    assert first["correlation_id"] == first["event_id"]
    assert {line["correlation_id"] for line in handled[1:]} == {first["event_id"]}, \
        "every hop of one request carries the intake's id as its correlation id"
