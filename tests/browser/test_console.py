"""Staff use the console in a real browser: sign in, decide, redrive, download; the server
refuses what a role may not do. Each page's screenshot is written under docs/console/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, screenshot, sign_in
from tests.support.console import (
    AWAITING_DOCUMENT,
    COMPLETED,
    FAILED_FULFILMENT,
    IN_REVIEW,
)

pytestmark = pytest.mark.browser


def test_signing_in_shows_the_requests_by_due_date(page: Page, served: Served) -> None:
    page.goto(f"{served.url}/login")
    screenshot(page, "login")
    sign_in(page, served, "dpo")
    expect(page).to_have_url(re.compile(r"/requests$"))
    references = page.locator("table.list tbody tr td:first-child a").all_inner_texts()
    assert set(references) >= {COMPLETED, IN_REVIEW, AWAITING_DOCUMENT, FAILED_FULFILMENT}
    screenshot(page, "requests")
    page.select_option("select[name=state]", "manual_review")
    page.click("form.filters button")
    shown = page.locator("table.list tbody tr td:first-child a").all_inner_texts()
    assert sorted(shown) == [IN_REVIEW, FAILED_FULFILMENT]


def test_an_agent_cannot_decide_an_identity_the_server_refuses(page: Page,
                                                               served: Served) -> None:
    sign_in(page, served, "agent")
    page.goto(f"{served.url}/requests/{IN_REVIEW}")
    expect(page.locator("#identity-review")).to_have_count(0)
    expect(page.locator("form[action$='/identity']")).to_have_count(0)
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = page.request.post(f"{served.url}/requests/{IN_REVIEW}/identity", form={
        "csrf": token or "", "decision": "approve", "reason": "agent tries anyway"})
    assert answer.status == 403
    assert served.world.state(IN_REVIEW) == "manual_review"


def test_a_reviewer_approves_an_identity_and_the_chain_names_them(page: Page,
                                                                   served: Served) -> None:
    sign_in(page, served, "reviewer")
    page.goto(f"{served.url}/requests/{IN_REVIEW}")
    checks = page.locator("#identity-review .checks li")
    expect(checks.filter(has_text="holder_name")).to_have_count(1)
    expect(page.locator("#identity-review")).to_contain_text("Oumar Diarrah Ba")
    screenshot(page, "identity-review")
    page.fill("form[action$='/identity'] input[name=reason]", "ID seen at the Bamako shop")
    page.click("form[action$='/identity'] button[value=approve]")
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".head .badge")).to_have_text("completed")
    decided = [e for e in served.world.trail(IN_REVIEW)
               if e.event_type == "identity.review-decided.v1"]
    assert [(e.summary["approved"], e.summary["by"]) for e in decided] == [(True, "reviewer")]


def test_a_reviewer_retries_a_failed_fulfilment(page: Page, served: Served) -> None:
    sign_in(page, served, "reviewer")
    page.goto(f"{served.url}/requests/{FAILED_FULFILMENT}")
    expect(page.locator(".reason")).to_contain_text("cdr")
    screenshot(page, "failed-fulfilment")
    page.fill("form[action$='/fulfilment'] input[name=reason]", "CDR repaired")
    page.click("form[action$='/fulfilment'] button[value=retry]")
    expect(page.locator(".head .badge")).to_have_text("completed")
    expect(page.locator(".timeline")).to_contain_text("fulfilment.retried")


def test_an_operator_redrives_a_dead_letter(page: Page, served: Served) -> None:
    sign_in(page, served, "operator")
    expect(page).to_have_url(re.compile(r"/dead-letters$"))
    page.click("a.tile:has-text('intake')")
    expect(page.locator("table.list")).to_contain_text(AWAITING_DOCUMENT)
    expect(page.locator("table.list")).to_contain_text("cannot be attached")
    screenshot(page, "dead-letters")
    page.click("table.list button.primary")
    expect(page.locator(".flash")).to_contain_text("1")
    assert served.world.dead_letters("intake") == 0
    # the document had come before its request; sent back, it resumes the request
    assert served.world.state(AWAITING_DOCUMENT) == "completed"
    redriven = [e for e in served.world.trail(AWAITING_DOCUMENT)
                if e.event_type == "operations.dead-letter-redriven.v1"]
    assert [e.summary["by"] for e in redriven] == ["operator"]


def test_the_dpo_downloads_the_register_from_the_dashboard(page: Page,
                                                            served: Served) -> None:
    sign_in(page, served, "dpo")
    page.goto(f"{served.url}/dashboard")
    expect(page.locator("svg.chart")).to_be_visible()
    screenshot(page, "dashboard")
    page.fill("input[name=from]", "2026-11-01")
    page.fill("input[name=to]", "2026-11-30")
    with page.expect_download() as waiting:
        page.click("#register button.primary")
    download = waiting.value
    assert download.suggested_filename == "register-2026-11-01-2026-11-30.csv"
    text = download.path().read_text(encoding="utf-8")
    header, *rows = text.strip().splitlines()
    assert header.startswith("reference,right,channel,received_at,due_on")
    assert {row.split(",")[0] for row in rows} >= {COMPLETED, IN_REVIEW, FAILED_FULFILMENT}
    page.goto(f"{served.url}/requests/{COMPLETED}")
    screenshot(page, "request")
