"""`dsr calls` and `dsr post confirm`: what the call centre and the mail room work from."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from contracts.notification import Medium
from services.bootstrap import services_of
from services.cli import main as cli
from services.runtime.settings import Settings
from tests.support.gateways import ledger_on, notice, published

SUBMIT = ["submit", "--reference", "7400-CALL-0077", "--right", "access",
          "--msisdn", "+22370001001", "--name", "Aminata Traoré"]


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DSR_LOG_LEVEL", "WARNING")
    for name in ("DSR_AMQP_URL", "DSR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_the_call_list_shows_an_acknowledgement_held_before_verification(
        embedded: CliRunner) -> None:
    submitted = embedded.invoke(cli.main, SUBMIT)
    assert submitted.exit_code == 0, submitted.output
    reference = submitted.stdout.split("registered as ")[1].split()[0]
    listed = embedded.invoke(cli.main, ["calls"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert reference in listed.stdout and "acknowledgement" in listed.stdout
    called = embedded.invoke(cli.main, ["calls", "--called", reference, "--by", "agent.k"])
    assert f"{reference}: called about acknowledgement, document_requested" in called.stdout
    assert reference not in embedded.invoke(cli.main, ["calls"]).stdout
    again = embedded.invoke(cli.main, ["calls", "--called", reference])
    assert "nothing on the call list to call about" in again.stdout
    done = embedded.invoke(cli.main, ["calls", "--all"], env={"COLUMNS": "200"})
    assert "agent.k" in done.stdout


def test_a_call_made_is_published_for_intake_and_the_audit(embedded: CliRunner,
                                                           tmp_path: Path) -> None:
    reference = embedded.invoke(cli.main, SUBMIT).stdout.split("registered as ")[1].split()[0]
    embedded.invoke(cli.main, ["calls", "--called", reference, "--by", "agent.k",
                               "--note", "joint au 2e appel"])
    with services_of(Settings(data_dir=tmp_path, amqp_url=None, database_url=None),
                     "notification") as app:
        calls = [e for e in published(app, "notification") if "called_by" in e]
    assert calls == [{"reference": reference, "kinds": ["acknowledgement", "document_requested"],
                      "called_by": "agent.k", "note": "joint au 2e appel", "at": calls[0]["at"]}]


def test_the_mail_room_confirms_a_letter_once(embedded: CliRunner, tmp_path: Path) -> None:
    app, ledger = ledger_on(Settings(data_dir=tmp_path, amqp_url=None, database_url=None))
    task = notice("Lettre", Medium.LETTER, "DSR-2026-000001")
    ledger.open(task)
    ledger.sent(task, "DSR-2026-000001_1.pdf")
    app.dispose()
    first = embedded.invoke(cli.main, ["post", "confirm", task.notice_id])
    again = embedded.invoke(cli.main, ["post", "confirm", task.notice_id, "DSR-1999-000001/1"])
    assert first.exit_code == 0, first.output
    assert f"{task.notice_id}: delivered" in first.stdout
    assert "not a letter waiting for the post" in again.stdout
    app, _ = ledger_on(Settings(data_dir=tmp_path, amqp_url=None, database_url=None))
    assert [e["state"] for e in published(app)] == ["sent", "delivered"]
    app.dispose()
