"""What a tester meets on the command line: who to test with, the reference of what they
submitted, and tables a person can read (no log lines among them, no reference cut)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from contracts.status import StatusReply
from services.cli import main as cli
from services.cli import tables
from simulators.population.demo import HEAVY_USER, RECYCLED_MSISDN

SUBMIT = ["submit", "--reference", "7400-CALL-0042", "--right", "access",
          "--msisdn", "+22370001001", "--name", "Aminata Traoré"]


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DSR_LOG_LEVEL", "INFO")
    for name in ("DSR_AMQP_URL", "DSR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def json_lines(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            found.append(line)
    return found


def test_subjects_lists_what_to_type_for_each_edge_case() -> None:
    result = CliRunner().invoke(cli.main, ["subjects"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "CM-1000" in line]
    assert len([r for r in rows if RECYCLED_MSISDN in r]) == 2, "both holders of the number"
    recycled = next(r for r in rows if "current holder" in r)
    assert "Awa Konaté" in recycled and "1998-12-05" in recycled and "nina_card" in recycled
    legal = next(r for r in rows if "Sahel Transport Services SARL" in r)
    assert "rccm_extract MA.BKO.2014.B.5678" in legal and "Ibrahim Cissé" in legal
    for case in ("debt", "litigation", "stolen-device", "requisition", "heavy user"):
        assert any(case in r for r in rows), case
    assert any(HEAVY_USER in r and "+22370009001" in r for r in rows)


def test_seed_says_who_to_test_with(embedded: CliRunner) -> None:
    result = embedded.invoke(cli.main, ["seed", "--subscribers", "3",
                                        "--cdr-per-subscriber", "2"])
    assert result.exit_code == 0, result.output
    assert "run dsr subjects to see who to test with" in result.stdout


def test_submit_prints_the_reference_then_the_duplicate(embedded: CliRunner) -> None:
    first = embedded.invoke(cli.main, SUBMIT)
    assert first.exit_code == 0, first.output
    assert "7400-CALL-0042 registered as DSR-" in first.stdout
    reference = first.stdout.split("registered as ")[1].split()[0]
    again = embedded.invoke(cli.main, SUBMIT)
    assert again.exit_code == 0, again.output
    assert "duplicate" in again.stdout and f"already registered as {reference}" in again.stdout
    for result in (first, again):
        assert json_lines(result.stdout) == [], "log lines go to stderr"
    assert json_lines(first.stderr), "and obey DSR_LOG_LEVEL=INFO there"


def test_a_rejected_submission_says_why(embedded: CliRunner) -> None:
    result = embedded.invoke(cli.main, [*SUBMIT, "--received-at", "2999-01-01"])
    assert result.exit_code == 1
    assert "7400-CALL-0042 was rejected" in result.stdout
    assert "received_at: is in the future" in result.stdout


def test_status_of_an_unreadable_reference_says_what_is_wrong(embedded: CliRunner) -> None:
    result = embedded.invoke(cli.main, ["status", "DSR-2026-" + "0" * 60])
    assert result.exit_code == 1
    assert "could not read the query: data.reference:" in result.output
    assert "at most 40 characters" in result.output


def test_logs_obey_the_level(embedded: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DSR_LOG_LEVEL", "ERROR")
    result = embedded.invoke(cli.main, SUBMIT)
    assert result.exit_code == 0, result.output
    assert json_lines(result.stderr) == []


def test_demo_shows_the_duplicate_and_writes_no_log_line_on_stdout(
        embedded: CliRunner) -> None:
    result = embedded.invoke(cli.main, ["demo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert json_lines(result.stdout) == []
    duplicates = result.stdout.split("Duplicate intakes")[1].split("Rejected intakes")[0]
    assert "7400-DEMO-0001" in duplicates and "DSR-" in duplicates
    assert "not registered again" in duplicates


def reply(reference: str, **fields: object) -> StatusReply:
    return StatusReply.model_validate({
        "reference": reference, "found": True, "right": "erasure", "state": "completed",
        "due_on": date(2026, 12, 2), "reason": "identity confirmed at the desk", **fields,
        "outcomes": [{"category": "economic_financial", "store": "billing", "action": "retain",
                      "records": 46, "kept_until": "2036-12-31",
                      "reason": "pièces comptables conservées 10 ans après la clôture de "
                                "l'exercice (obligation comptable OHADA)"}]})


def rendered(table: object) -> str:
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def test_a_reference_is_whole_in_an_80_column_table() -> None:
    replies = [reply("DSR-2026-000123", breached=True)]
    for table in (tables.status_table(replies), tables.outcomes_table(replies),
                  tables.reasons_table(replies)):
        text = rendered(table)
        assert "DSR-2026-000123" in text, text
        assert max(len(line) for line in text.splitlines()) <= 80


def test_no_column_mixes_the_staff_english_and_the_customer_french() -> None:
    replies = [reply("DSR-2026-000123", breached=True)]
    status = rendered(tables.status_table(replies))
    assert "breached" in status and "BREACHED identity" not in status
    outcomes = rendered(tables.outcomes_table(replies))
    assert "2036-12-31" in outcomes and "comptables" not in outcomes
    reasons = rendered(tables.reasons_table(replies))
    assert "comptables" in reasons and "2036" not in reasons.split("comptables")[0][-40:]
