"""The discovery state machine alone: who is asked, asked again, and when it gives up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.vocabulary import Store
from services.discovery import flow

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LIMITS = flow.Limits(timedelta(seconds=300), 3)


def test_the_crm_is_asked_first_then_billing_and_the_cdr() -> None:
    started = flow.start(T0)
    assert started.asks == (Store.CRM,)
    followed = flow.on_reply(started.discovery, Store.CRM, True, None, T0)
    assert followed is not None and followed.asks == (Store.BILLING, Store.CDR)
    billing = flow.on_reply(followed.discovery, Store.BILLING, True, None, T0)
    assert billing is not None and billing.discovery.phase is flow.Phase.FOLLOWING_UP
    done = flow.on_reply(billing.discovery, Store.CDR, True, None, T0)
    assert done is not None and done.discovery.phase is flow.Phase.COMPLETED
    assert flow.on_reply(done.discovery, Store.CDR, True, None, T0) is None  # a duplicate


def test_a_silent_store_is_asked_again_after_the_timeout_then_fails_named() -> None:
    state = flow.start(T0).discovery
    assert flow.on_tick(state, T0 + timedelta(seconds=299), LIMITS) is None
    for sends in (2, 3):
        decision = flow.on_tick(state, T0 + timedelta(seconds=300 * (sends - 1)), LIMITS)
        assert decision is not None and decision.asks == (Store.CRM,)
        state = decision.discovery
        assert state.waiting[0].attempts == sends
    failed = flow.on_tick(state, T0 + timedelta(seconds=900), LIMITS)
    assert failed is not None and failed.asks == ()
    assert failed.discovery.phase is flow.Phase.FAILED
    assert failed.discovery.failed_store is Store.CRM
    assert failed.discovery.failure == "crm did not answer discovery after 3 sends"
    assert failed.discovery.due_at(LIMITS) is None


def test_a_failed_answer_fails_discovery_and_a_withdrawal_stops_it() -> None:
    asked = flow.start(T0).discovery
    failed = flow.on_reply(asked, Store.CRM, False, "database down", T0)
    assert failed is not None and failed.discovery.failure == (
        "crm could not run discovery: database down")
    stopped = flow.stop(asked)
    assert stopped is not None and stopped.discovery.over
    assert flow.on_tick(stopped.discovery, T0 + timedelta(days=1), LIMITS) is None


def test_the_state_survives_its_json_round_trip() -> None:
    state = flow.on_tick(flow.start(T0).discovery, T0 + timedelta(seconds=300), LIMITS)
    assert state is not None
    assert flow.from_json(flow.to_json(state.discovery)) == state.discovery
