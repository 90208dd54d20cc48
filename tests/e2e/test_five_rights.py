"""A request of each right travels through every worker and store to a final state."""

from __future__ import annotations

from sqlalchemy import select

from contracts.vocabulary import Category, Right
from services.discovery.tables import discoveries
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, final_count, request_rows, states, submit
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, request_for, seeded


def outcomes(app: App, channel_reference: str) -> set[tuple[str, str, str]]:
    row = next(r for r in request_rows(app) if r["channel_reference"] == channel_reference)
    return {(o["store"], o["category"], o["action"]) for o in row["outcomes"] or []}


def letters(app: App) -> dict[str, str]:
    with app.engine("notification").connect() as conn:
        rows = conn.execute(select(outbound_messages).where(
            outbound_messages.c.medium == "letter", outbound_messages.c.kind == "outcome"))
        return {r.reference: r.body for r in rows}


def test_every_right_reaches_its_final_state_with_outcomes_per_category(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ACCESS, "r-access"))
        submit(harness, request_for("CM-100002", Right.RECTIFICATION, "r-rect",
                                    corrections={"email": "moussa.k@example.ml"}))
        submit(harness, request_for("CM-100003", Right.ERASURE, "r-erase"))
        submit(harness, request_for("CM-100004", Right.OBJECTION, "r-object",
                                    purposes=["direct_marketing"]))
        submit(harness, request_for("CM-100005", Right.RESTRICTION, "r-restrict",
                                    categories=[Category.PROFILES_SCORES]))
        harness.wait_until(lambda app: final_count(app) == 5, timeout_s=120)
        app = harness.app
        assert set(states(app).values()) == {"completed"}
        assert ("cdr", "connection_usage", "export") in outcomes(app, "r-access")
        assert ("billing", "economic_financial", "export") in outcomes(app, "r-access")
        assert ("crm", "contact", "rectify") in outcomes(app, "r-rect")
        assert ("cdr", "connection_usage", "retain") in outcomes(app, "r-erase")
        assert ("crm", "profiles_scores", "opt_out") in outcomes(app, "r-object")
        assert outcomes(app, "r-restrict") == {("crm", "profiles_scores", "restrict")}
        answers = letters(app)
    assert len(answers) == 5
    assert all("APDP" in body for body in answers.values())


def test_a_failed_identity_check_closes_the_request_and_nothing_is_discovered(
        start: HarnessFactory) -> None:
    plan = SUBJECTS["CM-100001"]
    impostor = nina_card(plan.full_name, plan.nina or "", plan.date_of_birth.replace(year=1960)
                         if plan.date_of_birth else None)
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, intake(Right.ACCESS, plan.msisdn, plan.full_name, impostor,
                               channel_reference="r-impostor"))
        harness.wait_until(lambda app: states(app) == {"r-impostor": "closed"})
        with harness.app.engine("discovery").connect() as conn:
            assert conn.execute(select(discoveries)).first() is None
        row = request_rows(harness.app)[0]
    assert "date_of_birth" in row["reason"] or row["state"] == "closed"

