"""The delivery edge in a real browser: an agent marks a call made, the mail room confirms a
letter, an operator redrives a notice the SMSC kept refusing. Screenshots under docs/console/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Served, screenshot, sign_in
from tests.support.console import COMPLETED, UNDELIVERED

pytestmark = pytest.mark.browser


def test_an_agent_marks_a_call_made(page: Page, served: Served) -> None:
    sign_in(page, served, "agent")
    page.click("nav a[href='/calls']")
    row = page.locator(f"tr[data-reference='{COMPLETED}']")
    expect(row).to_contain_text("Acknowledgement")
    screenshot(page, "calls")
    row.locator("input[name=note]").fill("answer read out, customer satisfied")
    row.locator("button.primary").click()
    expect(page.locator(".flash")).to_contain_text("Call recorded")
    expect(page.locator(f"tr[data-reference='{COMPLETED}']")).to_have_count(0)
    page.check("input[name=done]")
    page.click("form.filters button")
    expect(page.locator(f"tr[data-reference='{COMPLETED}']")).to_contain_text("agent")
    calls = [c for c in served.world.calls() if c["reference"] == COMPLETED]
    assert {c["called_by"] for c in calls} == {"agent"}
    chained = [e.summary["by"] for e in served.world.trail(COMPLETED)
               if e.event_type == "notification.call-made.v1"]
    assert chained == ["agent"]


def test_the_mail_room_confirms_a_letter(page: Page, served: Served) -> None:
    sign_in(page, served, "mailroom")
    expect(page).to_have_url(re.compile(r"/mail-room$"))
    letter = next(row["notice_id"] for row in served.world.deps.reads.letters_waiting()
                  if row["reference"] == COMPLETED)
    screenshot(page, "mail-room")
    page.check(f"input[value='{letter}']")
    page.click("#letters button.primary")
    expect(page.locator("#results")).to_contain_text(f"{letter} — confirmée")
    expect(page.locator(f"input[value='{letter}']")).to_have_count(0)
    states = {d["notice_id"]: d["state"] for d in served.world.deliveries(COMPLETED)}
    assert states[letter] == "delivered"


def test_an_operator_redrives_a_delivery_dead_letter(page: Page, served: Served) -> None:
    sign_in(page, served, "operator")
    page.click("#task-queues a.tile:has-text('delivery.sms')")
    table = page.locator("table.list")
    expect(table).to_contain_text(UNDELIVERED)
    expect(table).to_contain_text("SMSC answered System Error")
    screenshot(page, "delivery-dead-letters")
    page.click("table.list button.primary >> nth=0")
    expect(page.locator(".flash")).to_contain_text("1 message(s) redriven")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    sms = [d["state"] for d in served.world.deliveries(UNDELIVERED) if d["medium"] == "sms"]
    assert sorted(sms) == ["failed", "sent"]
    redriven = [e.summary["by"] for e in served.world.trail(UNDELIVERED)
                if e.event_type == "operations.dead-letter-redriven.v1"]
    assert redriven == ["operator"]
