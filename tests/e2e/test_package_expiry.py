"""Access packages do not outlive their expiry: a clock tick after it deletes the package and
any leftover export, records it once (notification and the audit register), and does nothing
more on later ticks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from contracts.status import ClockTicked
from contracts.vocabulary import Right
from services.access_package.builder import package_directory
from services.audit.tables import audit_entries, register
from services.bootstrap import App, bootstrap
from services.notification.tables import packages
from services.runtime.clock import FakeClock
from tests.conftest import embedded_settings
from tests.support.harness import EmbeddedHarness, final_count, publish, request_rows, submit
from tests.support.intakes import RECEIVED
from tests.support.subjects import request_for, seeded

DESTROYED = "notification.package-destroyed.v1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(RECEIVED + timedelta(hours=1))


@pytest.fixture
def harness(tmp_path: Path, clock: FakeClock) -> Iterator[EmbeddedHarness]:
    app = bootstrap(embedded_settings(tmp_path, package_expiry_days=30), clock=clock)
    try:
        yield EmbeddedHarness(app)
    finally:
        app.dispose()


def access_request(harness: EmbeddedHarness) -> str:
    seeded(harness)
    submit(harness, request_for("CM-100001", Right.ACCESS, "r-expiry"))
    harness.wait_until(lambda app: final_count(app) == 1)
    reference: str = request_rows(harness.app)[0]["reference"]
    return reference


def tick(harness: EmbeddedHarness, clock: FakeClock, days: int) -> None:
    clock.advance(timedelta(days=days))
    publish(harness, ClockTicked(now=clock.now()))
    harness.wait_until(lambda app: True)


def destroyed(app: App) -> list[object]:
    with app.engine("notification").connect() as conn:
        return list(conn.execute(select(packages.c.destroyed_at)).scalars())


def audited(app: App, reference: str) -> tuple[int, object]:
    with app.engine("audit").connect() as conn:
        entries = conn.execute(select(audit_entries.c.sequence).where(
            audit_entries.c.event_type == DESTROYED)).all()
        row = conn.execute(select(register.c.package_destroyed_at).where(
            register.c.reference == reference)).scalar_one()
    return len(entries), row


def test_an_expired_package_is_deleted_once_with_its_leftover_exports(
        harness: EmbeddedHarness, clock: FakeClock) -> None:
    reference = access_request(harness)
    app = harness.app
    directory = package_directory(app.settings.data_dir, reference)
    leftover = app.settings.data_dir / "exports" / reference / "crm.jsonl"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_text("{}\n")
    tick(harness, clock, 29)
    assert (directory / "manifest.json").is_file() and destroyed(app) == [None]
    tick(harness, clock, 2)
    assert not directory.exists() and not leftover.parent.exists()
    assert destroyed(app) == [clock.now()]
    count, at = audited(app, reference)
    assert count == 1 and at == clock.now()
    tick(harness, clock, 1)
    assert audited(app, reference)[0] == 1, "a later tick records nothing more"


def test_a_package_issued_before_the_record_is_adopted_from_its_manifest(
        harness: EmbeddedHarness, clock: FakeClock) -> None:
    reference = access_request(harness)
    app = harness.app
    with app.engine("notification").begin() as conn:
        conn.execute(delete(packages))
    tick(harness, clock, 31)
    assert not package_directory(app.settings.data_dir, reference).exists()
    assert audited(app, reference)[0] == 1
