"""``make test`` (plain ``pytest``) never runs the destructive tier, and keeps to its own
virtual host; ``make test-fault`` (``--fault -m fault``) runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.isolation import on_vhost, vhost_of

ROOT = Path(__file__).resolve().parents[2]


def collected(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    return done.stdout


def test_plain_pytest_deselects_every_fault_test() -> None:
    plain = collected("tests/fault", "tests/broker")
    assert "tests/fault/" not in plain and "deselected" in plain
    assert "tests/broker/test_submit_on_rabbitmq.py" in plain
    assert "test_least_privilege" not in plain, "it creates broker-wide users"


def test_the_fault_tier_runs_with_its_option() -> None:
    fault = collected("--fault", "-m", "fault")
    assert "tests/fault/test_outages.py" in fault
    assert "tests/fault/test_least_privilege.py" in fault
    assert "tests/unit/" not in fault


def test_the_broker_tier_moves_to_its_own_virtual_host() -> None:
    url = on_vhost("amqp://guest:secret@127.0.0.1:5672/%2F?heartbeat=30", "dsr-test")
    assert url == "amqp://guest:secret@127.0.0.1:5672/dsr-test?heartbeat=30"
    assert vhost_of(url) == "dsr-test" and vhost_of("amqp://h:5672/%2F") == "/"


def test_plain_pytest_runs_the_browser_tier() -> None:
    plain = collected("tests/browser")
    assert "tests/browser/test_console.py" in plain and "deselected" not in plain
