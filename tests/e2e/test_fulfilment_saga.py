"""The fulfilment saga end to end: a store failing at any step leaves every store as it was.

A failure is injected after the store's real step ran (so the step's changes are there to be
undone); the request must end in manual review with the reason, and every store's data must
equal what it held before the request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.envelope import CloudEvent
from contracts.status import ClockTicked
from contracts.vocabulary import Right
from services.bootstrap import App, bootstrap
from services.runtime.clock import FakeClock
from services.runtime.deps import Deps
from services.runtime.errors import RetryLater
from services.workers import ALL, STORES
from simulators.stores.commands import CommandRefused
from simulators.stores.registry import store_service
from tests.conftest import embedded_settings
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import EmbeddedHarness, Harness, publish, request_rows, submit
from tests.support.intakes import RECEIVED
from tests.support.subjects import request_for, seeded

Snapshot = dict[str, dict[str, list[tuple[Any, ...]]]]
RIGHTS: dict[Right, tuple[str, tuple[str, ...], dict[str, Any]]] = {
    Right.ERASURE: ("CM-100003", ("crm", "billing", "cdr"), {}),
    Right.RECTIFICATION: ("CM-100002", ("crm", "billing"), {
        "corrections": {"email": "nouvelle@example.ml", "address": "Rue 7, Kalaban Coura"}}),
    Right.RESTRICTION: ("CM-100005", ("crm", "billing", "cdr"), {}),
}
CASES = [(right, store, step) for right, (_, stores, _) in RIGHTS.items()
         for store in stores for step in (StoreAction.PREPARE, StoreAction.COMMIT)]


def snapshot(app: App) -> Snapshot:
    """Every row of every store's personal-data tables."""
    found: Snapshot = {}
    for store in STORES:
        tables = store_service(store).subject_tables
        with app.engine(store).connect() as db:
            found[store] = {t.name: [tuple(r) for r in db.execute(
                select(t).order_by(*t.primary_key))] for t in tables}
    return found


def prepared_states(app: App) -> dict[str, set[str]]:
    found = {}
    for store in STORES:
        table = store_service(store).prepared_changes
        with app.engine(store).connect() as db:
            found[store] = {row.state for row in db.execute(select(table))}
    return found


def the_request(app: App) -> dict[str, Any]:
    (row,) = request_rows(app)
    return row


def in_state(state: str) -> Callable[[App], bool]:
    return lambda app: [r["state"] for r in request_rows(app)] == [state]


def fail_after(monkeypatch: pytest.MonkeyPatch, store: str, action: StoreAction) -> None:
    """The store carries out ``action``, then answers that it failed."""
    actions = store_service(store).actions
    real = actions[action]

    def failing(command: StoreCommand, deps: Deps) -> StoreResult:
        real(command, deps)
        raise CommandRefused("panne simulée du système")

    monkeypatch.setitem(actions, action, failing)


def request(harness: Harness, right: Right) -> None:
    code, _, details = RIGHTS[right]
    submit(harness, request_for(code, right, f"r-{right.value}", **details))


@pytest.mark.parametrize(("right", "store", "step"), CASES,
                         ids=[f"{r.value}-{s}-{a.value}" for r, s, a in CASES])
def test_a_store_failing_at_any_step_leaves_every_store_as_it_was(
        start: HarnessFactory, monkeypatch: pytest.MonkeyPatch, right: Right, store: str,
        step: StoreAction) -> None:
    fail_after(monkeypatch, store, step)
    with start(ALL) as harness:
        seeded(harness)
        before = snapshot(harness.app)
        request(harness, right)
        harness.wait_until(in_state("manual_review"), timeout_s=60)
        harness.wait_until(lambda app: snapshot(app) == before, timeout_s=10)
        row = the_request(harness.app)
        states = prepared_states(harness.app)
    assert f"{store} refused to {step.value}: panne simulée du système" in row["reason"]
    assert "restored to their state before the request" in row["reason"]
    assert "NOT restored" not in row["reason"]
    assert all(found <= {"compensated"} for found in states.values())


def test_every_multi_store_right_commits_everywhere_and_releases_the_prior_state(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        for right in RIGHTS:
            request(harness, right)
        harness.wait_until(lambda app: {r["state"] for r in request_rows(app)}
                           == {"completed"}, timeout_s=120)
        harness.wait_until(lambda app: all(found == {"released"} for found
                                           in prepared_states(app).values()), timeout_s=10)


def test_a_store_that_never_answers_is_resent_then_compensated(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def silent(command: StoreCommand, deps: Deps) -> StoreResult:
        raise RetryLater("the CDR database does not answer")

    monkeypatch.setitem(store_service("cdr").actions,
                        StoreAction.PREPARE, silent)
    clock = FakeClock(RECEIVED + timedelta(hours=1))
    settings = embedded_settings(tmp_path, store_reply_timeout_s=300, store_attempts=3,
                                 max_attempts=1)
    app = bootstrap(settings, clock=clock)
    try:
        harness = EmbeddedHarness(app)
        sent = harness.observe("backoffice.cdr.prepare.v1", exchange="dsr.commands")
        seeded(harness)
        before = snapshot(app)
        request(harness, Right.ERASURE)
        harness.wait_until(in_state("data_discovered"))
        for _ in range(3):
            clock.advance(timedelta(seconds=299))
            publish(harness, ClockTicked(now=clock.now()))
            harness.wait_until(in_state("data_discovered"))
            clock.advance(timedelta(seconds=1))
            publish(harness, ClockTicked(now=clock.now()))
        harness.wait_until(in_state("manual_review"))
        commands = [CloudEvent.model_validate(e).data["command_id"] for e in sent.events()]
        assert snapshot(app) == before
        reason = the_request(app)["reason"]
    finally:
        app.dispose()
    assert len(commands) == 3 and len(set(commands)) == 1
    assert "cdr did not answer prepare after 3 sends" in reason
    assert "restored to their state before the request: cdr, billing, crm" in reason
