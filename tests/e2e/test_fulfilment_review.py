"""A request that fulfilment sent to manual review is decided by the back office: a retry runs
the saga again and completes with every store changed once; a close ends the request and the
customer is told why, with the right to complain to the APDP."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.fulfilment import FulfilmentReviewDecided, ReviewDecision
from contracts.vocabulary import Right
from services.audit import register as audit_register
from services.bootstrap import App
from services.notification.tables import outbound_messages
from services.runtime.deps import Deps
from services.workers import ALL, STORES
from simulators.stores.commands import CommandRefused, StoreActionHandler
from simulators.stores.registry import store_service
from tests.e2e.conftest import HarnessFactory
from tests.e2e.test_fulfilment_saga import (
    fail_after,
    in_state,
    prepared_states,
    request,
    snapshot,
    the_request,
)
from tests.support.harness import Harness, publish
from tests.support.subjects import seeded

ALWAYS = date(2000, 1, 1), date(2100, 1, 1)


def fail_once(monkeypatch: pytest.MonkeyPatch, store: str, action: StoreAction) -> None:
    """The store's first ``action`` runs, then answers that it failed; later ones succeed."""
    actions = store_service(store).actions
    real: StoreActionHandler = actions[action]
    calls: list[str] = []

    def failing_once(command: StoreCommand, deps: Deps) -> StoreResult:
        result = real(command, deps)
        calls.append(command.command_id)
        if len(calls) == 1:
            raise CommandRefused("panne simulée du système")
        return result

    monkeypatch.setitem(actions, action, failing_once)


def register_result(app: App) -> str | None:
    with app.engine("audit").connect() as conn:
        (row,) = audit_register.rows(conn, *ALWAYS)
    return row.result


def decide(harness: Harness, decision: ReviewDecision, reason: str) -> None:
    reference = the_request(harness.app)["reference"]
    publish(harness, FulfilmentReviewDecided(reference=reference, decision=decision,
                                             reviewer="back-office", reason=reason),
            reference)


def test_a_failed_request_retried_completes_with_every_store_changed_once(
        start: HarnessFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_once(monkeypatch, "cdr", StoreAction.COMMIT)
    with start(ALL) as harness:
        commits = harness.observe("backoffice.*.commit.result.v1")
        statuses = harness.observe("request.status-changed.v1")
        seeded(harness)
        request(harness, Right.ERASURE)
        harness.wait_until(in_state("manual_review"), timeout_s=60)
        harness.wait_until(lambda app: register_result(app)
                           == "manual_review (fulfilment failed)", timeout_s=10)
        decide(harness, ReviewDecision.RETRY, "panne du CDR réparée")
        harness.wait_until(in_state("completed"), timeout_s=60)
        harness.wait_until(lambda app: all(found == {"compensated", "released"}
                                           for found in prepared_states(app).values()),
                           timeout_s=10)
        harness.wait_until(lambda app: register_result(app) ==
                           "completed (fulfilment failed, retried after review)", timeout_s=10)
        results = [e.data for e in commits.events()]
        moves = [e.data["state"] for e in statuses.events()]
    kept = [r for r in results if r["ok"] and ":r2:" in r["command_id"]]
    assert sorted(r["store"] for r in kept) == sorted(STORES)
    assert [r["store"] for r in results if not r["ok"]] == ["cdr"]
    assert moves[-4:] == ["manual_review", "data_discovered", "fulfilled", "completed"]


def test_a_closed_request_ends_final_and_the_customer_is_told_why(
        start: HarnessFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_after(monkeypatch, "billing", StoreAction.PREPARE)
    with start(ALL) as harness:
        seeded(harness)
        before = snapshot(harness.app)
        request(harness, Right.ERASURE)
        harness.wait_until(in_state("manual_review"), timeout_s=60)
        decide(harness, ReviewDecision.CLOSE, "le système de facturation est remplacé")
        harness.wait_until(in_state("closed"), timeout_s=60)
        harness.wait_until(lambda app: len(told(app)) == 2, timeout_s=10)
        harness.wait_until(lambda app: register_result(app) ==
                           "closed (fulfilment failed, closed after review)", timeout_s=10)
        row = the_request(harness.app)
        messages = told(harness.app)
        after = snapshot(harness.app)
    assert row["completed_at"] is not None
    assert "le système de facturation est remplacé" in row["reason"]
    assert after == before
    letter = messages["letter"]
    assert "le système de facturation est remplacé" in letter and "APDP" in letter
    assert "vos données sont dans l'état où elles se\ntrouvaient avant votre demande" in letter
    assert "close" in messages["sms"] and "APDP" in messages["sms"]


def told(app: App) -> dict[str, str]:
    t = outbound_messages.c
    with app.engine("notification").connect() as conn:
        return {m.medium: m.body for m in conn.execute(
            select(outbound_messages).where(t.kind == "failure"))}


def test_a_retry_that_fails_again_returns_to_review_and_can_then_be_closed(
        start: HarnessFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_after(monkeypatch, "cdr", StoreAction.PREPARE)
    with start(ALL) as harness:
        seeded(harness)
        request(harness, Right.ERASURE)
        harness.wait_until(in_state("manual_review"), timeout_s=60)
        decide(harness, ReviewDecision.RETRY, "nouvel essai")
        harness.wait_until(lambda app: all(
            states == {"compensated"} and len(keys) == 2
            for states, keys in prepared_rows(app).values()), timeout_s=60)
        harness.wait_until(in_state("manual_review"), timeout_s=60)
        harness.wait_until(lambda app: register_result(app)
                           == "manual_review (fulfilment failed)", timeout_s=10)
        decide(harness, ReviewDecision.CLOSE, "le CDR refuse toujours")
        harness.wait_until(in_state("closed"), timeout_s=60)
        harness.wait_until(lambda app: register_result(app) ==
                           "closed (fulfilment failed, closed after review)", timeout_s=10)


def prepared_rows(app: App) -> dict[str, tuple[set[str], list[str]]]:
    found = {}
    for store in STORES:
        table = store_service(store).prepared_changes
        with app.engine(store).connect() as db:
            rows = list(db.execute(select(table)))
        found[store] = ({r.state for r in rows}, [r.reference for r in rows])
    return found
