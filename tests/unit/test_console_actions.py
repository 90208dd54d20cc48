"""Staff actions through the console's ASGI app reach the workers as the CLI's events do,
and the audit chain names who took them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.fulfilment.queries import restriction_of
from tests.support.console import (
    AWAITING_DOCUMENT,
    FAILED_FULFILMENT,
    IN_REVIEW,
    RESTRICTED,
    World,
    console_world,
)
from tests.support.subjects import SUBJECTS
from tests.unit.test_console_security import client, token


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with console_world(tmp_path_factory.mktemp("console")) as staged:
        yield staged


def chained_by(world: World, reference: str, event_type: str) -> list[object]:
    return [e.summary.get("by") for e in world.trail(reference) if e.event_type == event_type]


def test_after_the_decision_the_document_is_no_longer_shown(world: World) -> None:
    reviewer = client(world, "reviewer")
    before = reviewer.get(f"/requests/{IN_REVIEW}").text
    assert "Oumar Diarrah Ba" in before and 'id="identity-review"' in before
    decided = reviewer.post(f"/requests/{IN_REVIEW}/identity", data={
        "csrf": token(reviewer, "/requests"), "decision": "reject",
        "reason": "the holder is someone else"})
    assert decided.status_code == 303
    assert world.state(IN_REVIEW) == "closed"
    after = reviewer.get(f"/requests/{IN_REVIEW}").text
    assert "Oumar Diarrah Ba" not in after and 'id="identity-review"' not in after
    assert chained_by(world, IN_REVIEW, "identity.review-decided.v1") == ["reviewer"]


def test_an_action_the_state_no_longer_allows_is_refused(world: World) -> None:
    reviewer = client(world, "reviewer")
    again = reviewer.post(f"/requests/{IN_REVIEW}/identity", data={
        "csrf": token(reviewer, "/requests"), "decision": "approve", "reason": "second go"})
    assert again.status_code == 409
    assert world.state(IN_REVIEW) == "closed"


def test_a_failed_fulfilment_closed_with_a_reason(world: World) -> None:
    dpo = client(world, "dpo")
    short = dpo.post(f"/requests/{FAILED_FULFILMENT}/fulfilment", data={
        "csrf": token(dpo, "/requests"), "decision": "close", "reason": "no"})
    assert short.status_code == 303 and world.state(FAILED_FULFILMENT) == "manual_review"
    shown = dpo.get(f"/requests/{FAILED_FULFILMENT}").text
    assert 'class="flash">reason: ' in shown and "at least 3" in shown  # the problem, named
    closed = dpo.post(f"/requests/{FAILED_FULFILMENT}/fulfilment", data={
        "csrf": token(dpo, "/requests"), "decision": "close",
        "reason": "the billing system is being replaced"})
    assert closed.status_code == 303
    assert world.state(FAILED_FULFILMENT) == "closed"
    assert chained_by(world, FAILED_FULFILMENT, "fulfilment.review-decided.v1") == ["dpo"]


def test_a_restriction_lift_is_announced_and_its_dates_shown(world: World) -> None:
    reviewer = client(world, "reviewer")
    asked = reviewer.post(f"/requests/{RESTRICTED}/lift", data={
        "csrf": token(reviewer, "/requests"), "reason": "the dispute is settled"})
    assert asked.status_code == 303
    lift = restriction_of(world.deps.reads.engine("fulfilment"), RESTRICTED)
    assert lift is not None and lift.state == "announced" and lift.requested_by == "reviewer"
    assert lift.notified_at is not None and lift.lift_at is not None
    page = reviewer.get(f"/requests/{RESTRICTED}").text
    assert lift.lift_at.strftime("%Y-%m-%d %H:%M") in page
    assert chained_by(world, RESTRICTED, "restriction.lift-requested.v1") == ["reviewer"]


def test_an_agent_attaches_the_document_a_request_waits_for(world: World) -> None:
    agent = client(world, "agent")
    plan = SUBJECTS["CM-100005"]
    attached = agent.post(f"/requests/{AWAITING_DOCUMENT}/document", data={
        "csrf": token(agent, "/requests"), "kind": "nina_card", "number": plan.nina or "",
        "holder": plan.full_name, "birth_date": plan.date_of_birth.isoformat()
        if plan.date_of_birth else "", "expires": "2031-01-01"},
        files={"scan": ("nina.pdf", b"%PDF-1.4 scanned NINA card", "application/pdf")})
    assert attached.status_code == 303
    assert world.state(AWAITING_DOCUMENT) == "completed"
    assert chained_by(world, AWAITING_DOCUMENT, "intake.document.registered.v1") == ["agent"]


def test_an_agent_finds_a_request_by_the_reference_the_caller_reads_out(world: World) -> None:
    found = client(world, "agent").get("/requests?reference= dsr-2026-000003 ")
    assert found.status_code == 303
    assert found.headers["location"] == f"/requests/{AWAITING_DOCUMENT}"
