"""SREs read every log line; none may carry a subject's personal data."""

from __future__ import annotations

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
