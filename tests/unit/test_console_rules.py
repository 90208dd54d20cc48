"""The console's pure rules and its reads: roles, lock-out, which actions a state allows,
the list's keyset pages over many requests, the dashboard's figures, and `dsr console user
add`."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from contracts.notification import DeliveryState, Medium, NotificationKind
from services.audit import bulk as audit_bulk
from services.audit.queries import answered_between
from services.bootstrap import services_of, staff_engine
from services.cli.main import main
from services.console.actions import Action, available
from services.console.chart import due_per_day_svg
from services.console.i18n import WORDS, day, when, word
from services.console.lockout import Lockout
from services.console.repository import SignIn, staff
from services.console.roles import GRANTS, Permission, Role, home, may
from services.fulfilment.queries import Fulfilment, Restriction
from services.intake import bulk
from services.intake.figures import open_requests
from services.intake.queries import FINAL, RequestFilter, request_page
from services.runtime.settings import Settings
from tests.conftest import embedded_settings

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
Registry = tuple[Settings, list[dict[str, Any]]]


def test_each_role_may_exactly_what_the_issue_gives_it() -> None:
    assert GRANTS[Role.AGENT] == {Permission.READ_REQUESTS, Permission.ATTACH_DOCUMENT,
                                  Permission.CALLS}
    assert may(Role.REVIEWER, Permission.DECIDE_IDENTITY)
    assert may(Role.REVIEWER, Permission.DECIDE_FULFILMENT)
    assert not may(Role.REVIEWER, Permission.REGISTER)
    assert GRANTS[Role.OPERATOR] == {Permission.DEAD_LETTERS}
    assert GRANTS[Role.MAIL_ROOM] == {Permission.MAIL_ROOM}
    assert home(Role.MAIL_ROOM) == "/mail-room" and home(Role.OPERATOR) == "/dead-letters"
    assert GRANTS[Role.DPO] == set(Permission)


def test_the_lock_comes_after_the_last_allowed_failure_and_ends() -> None:
    lockout = Lockout(3, timedelta(minutes=15))
    failures, until = 0, None
    for _ in range(2):
        failures, until = lockout.after_failure(failures, NOW)
        assert until is None
    failures, until = lockout.after_failure(failures, NOW)
    assert until == NOW + timedelta(minutes=15) and failures == 0
    assert lockout.locked(until, NOW + timedelta(minutes=14))
    assert not lockout.locked(until, NOW + timedelta(minutes=15))


FAILED = Fulfilment("failed", "erasure", retryable=True)


@pytest.mark.parametrize(("state", "identity", "fulfilment", "restriction", "expected"), [
    ("document_requested", "document_requested", None, None, {Action.ATTACH_DOCUMENT}),
    ("manual_review", "manual_review", None, None, {Action.DECIDE_IDENTITY}),
    ("manual_review", "verified", FAILED, None,
     {Action.RETRY_FULFILMENT, Action.CLOSE_FULFILMENT}),
    ("manual_review", "verified", Fulfilment("failed", "access", retryable=False), None,
     {Action.CLOSE_FULFILMENT}),
    ("manual_review", "verified", Fulfilment("closed", "erasure", False), None, set()),
    ("completed", "verified", Fulfilment("completed", "restriction", False),
     Restriction("active", None, None, None, None, None), {Action.LIFT_RESTRICTION}),
    ("completed", "verified", None,
     Restriction("announced", "rev", "done", NOW, None, None), set()),
    ("completed", "verified", None, None, set()),
])
def test_a_request_offers_only_what_its_state_allows(
        state: str, identity: str | None, fulfilment: Fulfilment | None,
        restriction: Restriction | None, expected: set[Action]) -> None:
    assert available(state, identity, fulfilment, restriction) == expected


def test_the_chart_has_a_bar_per_day_scaled_to_the_busiest() -> None:
    today = date(2026, 12, 1)
    svg = due_per_day_svg({today: 4, today + timedelta(days=3): 8}, today)
    assert svg.count("<rect") == 30
    assert "2026-12-04: 8</title>" in svg and "2026-12-01: 4</title>" in svg
    assert 'height="0.0"' in svg  # the days with nothing due


def test_dates_are_shown_in_bamako_time_in_the_users_language() -> None:
    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert when(moment, "fr") == "01/12/2026 23:30"
    assert when(moment, "en") == "2026-12-01 23:30"
    assert day(date(2026, 12, 1), "fr") == "01/12/2026"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    settings = embedded_settings(tmp_path_factory.mktemp("registry"))
    rows = list(bulk.synthetic(1_200, NOW, seed=11))
    with services_of(settings, "intake", "audit") as app:
        bulk.load(app.engine("intake"), rows)
        audit_bulk.load(app.engine("audit"), rows)
    return settings, rows


def test_keyset_pages_list_every_request_once_by_due_date(
        registry: Registry) -> None:
    settings, rows = registry
    seen: list[str] = []
    with services_of(settings, "intake") as app:
        after = None
        while page := request_page(app.engine("intake"), RequestFilter(), NOW.date(), after,
                                   97):
            seen += [r.reference for r in page]
            after = (page[-1].due_on, page[-1].reference)
    expected = [r["reference"] for r in sorted(rows, key=lambda r: (r["due_on"],
                                                                    r["reference"]))]
    assert seen == expected


def test_filters_keep_only_the_open_requests_past_their_date(
        registry: Registry) -> None:
    settings, rows = registry
    today = NOW.date()
    with services_of(settings, "intake") as app:
        late = request_page(app.engine("intake"), RequestFilter(past_due=True, right="erasure"),
                            today, None, 10_000)
    expected = {r["reference"] for r in rows if r["state"] not in FINAL
                and r["due_on"] < today and r["right"] == "erasure"}
    assert expected and {r.reference for r in late} == expected


def test_the_dashboards_figures_count_what_the_rows_say(
        registry: Registry) -> None:
    settings, rows = registry
    today = NOW.date()
    open_rows = [r for r in rows if r["state"] not in FINAL]
    with services_of(settings, "intake", "audit") as app:
        figures = open_requests(app.engine("intake"), today)
        month = answered_between(app.engine("audit"), datetime(2026, 11, 1, tzinfo=UTC),
                                 datetime(2026, 12, 1, tzinfo=UTC))
    assert sum(figures.by_state.values()) == len(open_rows)
    assert figures.past_due == sum(r["due_on"] < today for r in open_rows)
    assert sum(figures.due_per_day.values()) == sum(
        today <= r["due_on"] < today + timedelta(days=30) for r in open_rows)
    spans = [(r["completed_at"] - r["received_at"]).total_seconds() / 86_400
             for r in rows if r["completed_at"] is not None
             and r["completed_at"] >= datetime(2026, 11, 1, tzinfo=UTC)]
    assert month.answered == len(spans)
    assert month.median_days == round(statistics.median(spans), 1)


def test_dsr_console_user_add_creates_a_user_who_can_sign_in(tmp_path: Path) -> None:
    password = tmp_path / "password"
    password.write_text("a long enough secret\n")
    env = {"DSR_DATA_DIR": str(tmp_path), "DSR_LOG_LEVEL": "ERROR"}
    runner = CliRunner()
    args = ["console", "user", "add", "awa", "--name", "Awa Konaté", "--role", "reviewer",
            "--language", "en", "--password-file", str(password)]
    added = runner.invoke(main, args, env=env)
    assert added.exit_code == 0, added.output
    assert "added awa (reviewer, en)" in added.output
    again = runner.invoke(main, args, env=env)
    assert again.exit_code == 1 and "exists already" in again.output
    engine = staff_engine(embedded_settings(tmp_path))
    try:
        assert staff(engine, "awa") is not None
        signed = SignIn(engine, Lockout(5, timedelta(minutes=15))).attempt(
            "awa", "a long enough secret", NOW)
        assert not isinstance(signed, str) and signed.role is Role.REVIEWER
    finally:
        engine.dispose()


def test_every_notice_kind_medium_and_delivery_state_is_worded_in_both_languages() -> None:
    keys = ([f"kind_{k.value}" for k in NotificationKind] + [f"medium_{m.value}" for m in Medium]
            + [f"ds_{s.value}" for s in DeliveryState])
    assert [key for key in keys if key not in WORDS] == []
    assert all(word(key, "fr") and word(key, "en") for key in keys)
