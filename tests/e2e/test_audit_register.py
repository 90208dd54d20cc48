"""The audit register end to end (embedded bus): the chain after a full run, tampering,
the regulator's register, breaches, and no personal data anywhere in it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, select, update

from contracts.status import ClockTicked
from contracts.vocabulary import Category, Right
from services.audit import register as audit_register
from services.audit.queries import check_chain
from services.audit.routes import WORKER
from services.audit.tables import audit_entries, metadata
from services.audit.tables import register as register_table
from services.bootstrap import bootstrap
from services.cli.audit import audit, register
from services.runtime.database import create_service_engine
from services.runtime.processor import Processor
from services.workers import ALL, SAGA
from tests.conftest import embedded_settings
from tests.support.harness import (
    EmbeddedHarness,
    final_count,
    pinned_clock,
    publish,
    request_rows,
    states,
    submit,
)
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, request_for, seeded

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
FIVE = ("CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005")
EMAIL = "moussa.k@example.ml"


@contextmanager
def audited(tmp_path: Path, names: tuple[str, ...] = ALL) -> Iterator[EmbeddedHarness]:
    """The saga plus the audit worker on one embedded bus (audit is not in workers.py yet)."""
    settings = embedded_settings(tmp_path)
    app = bootstrap(settings, clock=pinned_clock(), names=names)
    engine = create_service_engine("audit", settings, metadata)
    app.processors["audit"] = Processor(WORKER, engine, settings, app.clock)
    try:
        yield EmbeddedHarness(app)
    finally:
        app.dispose()


def five_rights(harness: EmbeddedHarness) -> None:
    seeded(harness)
    submit(harness, request_for("CM-100001", Right.ACCESS, "r-access"))
    submit(harness, request_for("CM-100002", Right.RECTIFICATION, "r-rect",
                                corrections={"email": EMAIL}))
    submit(harness, request_for("CM-100003", Right.ERASURE, "r-erase"))
    submit(harness, request_for("CM-100004", Right.OBJECTION, "r-object",
                                purposes=["direct_marketing"]))
    submit(harness, request_for("CM-100005", Right.RESTRICTION, "r-restrict",
                                categories=[Category.PROFILES_SCORES]))
    harness.wait_until(lambda app: final_count(app) == 5)


def personal_data() -> list[str]:
    """Everything that identifies the five seeded subjects, and what they sent."""
    found = [EMAIL, "r-access", "r-rect", "r-erase", "r-object", "r-restrict"]
    for code in FIVE:
        plan = SUBJECTS[code]
        found += [plan.full_name, plan.msisdn, plan.nina or "", code]
        found += [h.msisdn for h in plan.holdings]
        found += [part for part in plan.full_name.split() if len(part) > 3]
        if plan.date_of_birth:
            found.append(plan.date_of_birth.isoformat())
    return [value for value in found if value]


def audit_rows(harness: EmbeddedHarness) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with harness.app.engine("audit").connect() as conn:
        entries = [dict(r._mapping) for r in conn.execute(
            select(audit_entries).order_by(audit_entries.c.sequence))]
        registered = [dict(r._mapping) for r in conn.execute(select(register_table))]
    return entries, registered


def assert_no_personal_data(text: str) -> None:
    leaked = [value for value in personal_data() if value.lower() in text.lower()]
    assert not leaked, f"personal data in the audit: {leaked}"


def test_five_rights_are_chained_and_the_audit_holds_no_personal_data(
        tmp_path: Path) -> None:
    with audited(tmp_path) as harness:
        five_rights(harness)
        entries, registered = audit_rows(harness)
        count, broken = check_chain(harness.app.engine("audit"))
        references = {r["reference"] for r in request_rows(harness.app)}
    assert broken is None and count == len(entries) > 5 * 8
    assert {e["reference"] for e in entries} == references == {r["reference"]
                                                                for r in registered}
    assert_no_personal_data(json.dumps(entries, default=str, ensure_ascii=False))
    assert_no_personal_data(json.dumps(registered, default=str, ensure_ascii=False))
    types = {e["event_type"] for e in entries}
    assert {"intake.request.registered.v1", "identity.verified.v1", "discovery.completed.v1",
            "fulfilment.completed.v1", "notification.sent.v1",
            "backoffice.crm.identify.result.v1"} <= types
    assert "intake.request.submitted.v1" not in types


def test_tampering_with_the_stored_log_is_detected_at_its_entry(tmp_path: Path) -> None:
    with audited(tmp_path) as harness:
        five_rights(harness)
        engine = harness.app.engine("audit")
        with engine.begin() as conn:
            original = conn.execute(select(audit_entries.c.summary)
                                    .where(audit_entries.c.sequence == 12)).scalar_one()
            conn.execute(update(audit_entries).where(audit_entries.c.sequence == 12)
                         .values(summary={**original, "right": "access", "state": "completed"}))
        altered = check_chain(engine)[1]
        with engine.begin() as conn:
            conn.execute(update(audit_entries).where(audit_entries.c.sequence == 12)
                         .values(summary=original))
        restored = check_chain(engine)[1]
        with engine.begin() as conn:
            conn.execute(delete(audit_entries).where(audit_entries.c.sequence == 20))
        deleted = check_chain(engine)[1]
    assert altered is not None and altered.sequence == 12
    assert restored is None
    assert deleted is not None and deleted.sequence == 20 and "missing" in deleted.problem


def test_the_register_lists_each_request_with_its_outcome_per_category(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with audited(tmp_path) as harness:
        five_rights(harness)
        references = {r["channel_reference"]: r["reference"] for r in request_rows(harness.app)}
        with harness.app.engine("audit").connect() as conn:
            rows = {r.reference: r for r in audit_register.rows(conn, *NOVEMBER)}
            assert audit_register.rows(conn, date(2026, 10, 1), date(2026, 10, 31)) == []
        monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
        monkeypatch.delenv("DSR_DATABASE_URL", raising=False)
        runner = CliRunner()
        for fmt in ("csv", "json"):
            result = runner.invoke(register, ["export", "--from", "2026-11-01", "--to",
                                              "2026-11-30", "--format", fmt, "--output",
                                              str(tmp_path / f"register.{fmt}")])
            assert result.exit_code == 0, result.output
        verified = runner.invoke(audit, ["verify"])
    assert set(rows) == set(references.values())
    assert all(r.result == "completed" and r.completed_at and not r.breached
               for r in rows.values())
    access = rows[references["r-access"]]
    assert (access.right, access.channel, access.due_on) == ("access", "callcentre",
                                                             date(2026, 12, 2))
    assert {(o.store, o.category, o.action) for o in access.outcomes} >= {
        ("cdr", "connection_usage", "export"), ("billing", "economic_financial", "export")}
    erased = rows[references["r-erase"]]
    kept = [o for o in erased.outcomes if o.action == "retain"]
    assert kept and all(o.reason for o in kept)
    assert any(o.category == "connection_usage" and o.kept_until for o in kept)
    table = list(csv.DictReader(io.StringIO((tmp_path / "register.csv").read_text())))
    assert {r["reference"] for r in table} == set(references.values())
    assert "cdr/connection_usage: retain" in next(
        r["outcomes"] for r in table if r["reference"] == erased.reference)
    document = json.loads((tmp_path / "register.json").read_text())
    assert document["totals"] == {"requests": 5, "open": 0, "breached": 0}
    assert_no_personal_data((tmp_path / "register.csv").read_text())
    assert_no_personal_data((tmp_path / "register.json").read_text())
    assert verified.exit_code == 0 and "intact" in verified.output


def test_a_breach_appears_in_the_register_and_verify_names_a_broken_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with audited(tmp_path, SAGA) as harness:
        # With a document, identity waits for the CRM, which this test does not run: stuck.
        submit(harness, intake(Right.ACCESS, "+22370000005", "Oumar Maïga",
                               nina_card("Oumar Maïga", "NINA-1", None),
                               channel_reference="call-late"))
        harness.wait_until(lambda app: states(app) == {"call-late": "registered"})
        for day in ("2026-11-26", "2026-11-27", "2026-12-03"):
            publish(harness, ClockTicked(now=datetime.fromisoformat(f"{day}T08:00:00+00:00")))
        harness.wait_until(lambda app: request_rows(app)[0]["breached_at"] is not None)
        entries, _ = audit_rows(harness)
        with harness.app.engine("audit").connect() as conn:
            text, rows = audit_register.export(conn, *NOVEMBER, "json",
                                               harness.app.clock.now())
        monkeypatch.setenv("DSR_DATA_DIR", str(tmp_path))
        monkeypatch.delenv("DSR_DATABASE_URL", raising=False)
        with harness.app.engine("audit").begin() as conn:
            conn.execute(update(audit_entries).where(audit_entries.c.sequence == 2)
                         .values(summary={"state": "completed"}))
        broken = CliRunner().invoke(audit, ["verify"])
    [row] = rows
    assert row.breached and row.escalated and row.completed_at is None
    assert row.breach_recorded_at is not None and row.result == "registered"
    assert json.loads(text)["totals"] == {"requests": 1, "open": 1, "breached": 1}
    kinds = [e["event_type"] for e in entries]
    assert "request.deadline-escalated.v1" in kinds and "request.deadline-breached.v1" in kinds
    assert "Oumar" not in json.dumps(entries, default=str) and "Maïga" not in text
    assert broken.exit_code == 1 and "entry 2" in broken.output
