"""The fulfilment saga's transitions, as pure decisions (no database, no bus)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.backoffice import StoreAction
from contracts.vocabulary import Store
from services.fulfilment import saga
from services.fulfilment.saga import Decision, Phase, Send

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LIMITS = saga.Limits(timeout=timedelta(minutes=5), attempts=3)
CRM, BILLING, CDR = Store.CRM, Store.BILLING, Store.CDR
A = StoreAction


def started() -> saga.Saga:
    return saga.start((CRM, BILLING, CDR), T0).saga


def reply(state: saga.Saga, store: Store, action: StoreAction, ok: bool = True,
          error: str | None = None) -> Decision:
    decision = saga.on_reply(state, store, action, ok, error, T0)
    assert decision is not None
    return decision


def all_ok(state: saga.Saga, action: StoreAction) -> Decision:
    decision = Decision(state)
    for store in state.stores:
        decision = reply(decision.saga, store, action)
    return decision


def test_start_prepares_in_every_store() -> None:
    decision = saga.start((CRM, BILLING, CDR), T0)
    assert decision.saga.phase is Phase.PREPARE
    assert decision.sends == (Send(CRM, A.PREPARE), Send(BILLING, A.PREPARE),
                              Send(CDR, A.PREPARE))


def test_commit_starts_only_once_every_store_has_prepared() -> None:
    state = reply(started(), CRM, A.PREPARE).saga
    assert state.phase is Phase.PREPARE and reply(state, CDR, A.PREPARE).sends == ()
    decision = all_ok(started(), A.PREPARE)
    assert decision.saga.phase is Phase.COMMIT
    assert {s.action for s in decision.sends} == {A.COMMIT}


def test_every_commit_completes_the_saga_and_releases_the_prior_state() -> None:
    decision = all_ok(all_ok(started(), A.PREPARE).saga, A.COMMIT)
    assert decision.saga.phase is Phase.COMPLETED
    assert decision.sends == tuple(Send(s, A.RELEASE) for s in (CRM, BILLING, CDR))
    assert decision.saga.due_at(LIMITS) is None


def test_a_failed_prepare_compensates_every_store_in_reverse_order() -> None:
    decision = reply(started(), BILLING, A.PREPARE, ok=False, error="disk full")
    assert decision.saga.phase is Phase.COMPENSATE
    assert decision.sends == (Send(CDR, A.COMPENSATE),)
    decision = reply(decision.saga, CDR, A.COMPENSATE)
    assert decision.sends == (Send(BILLING, A.COMPENSATE),)
    decision = reply(decision.saga, BILLING, A.COMPENSATE)
    assert decision.sends == (Send(CRM, A.COMPENSATE),)
    final = reply(decision.saga, CRM, A.COMPENSATE).saga
    assert final.phase is Phase.FAILED
    assert "billing refused to prepare: disk full" in final.reason()
    assert "restored to their state before the request: cdr, billing, crm" in final.reason()


def test_a_failed_commit_compensates_the_committed_stores_too() -> None:
    committing = all_ok(started(), A.PREPARE).saga
    state = reply(committing, CRM, A.COMMIT).saga
    decision = reply(state, CDR, A.COMMIT, ok=False, error="lock timeout")
    assert decision.saga.phase is Phase.COMPENSATE
    assert decision.sends == (Send(CDR, A.COMPENSATE),)


def test_stale_and_duplicate_replies_are_ignored() -> None:
    state = reply(started(), CRM, A.PREPARE).saga
    assert saga.on_reply(state, CRM, A.PREPARE, True, None, T0) is None
    assert saga.on_reply(state, CRM, A.COMMIT, True, None, T0) is None
    failed = reply(state, BILLING, A.PREPARE, ok=False, error="x").saga
    assert saga.on_reply(failed, CDR, A.PREPARE, True, None, T0) is None


def test_an_overdue_reply_is_resent_then_the_store_fails_for_good() -> None:
    state = reply(reply(started(), CRM, A.PREPARE).saga, BILLING, A.PREPARE).saga
    assert saga.on_tick(state, T0 + timedelta(minutes=4), LIMITS) is None
    later = T0 + timedelta(minutes=5)
    decision = saga.on_tick(state, later, LIMITS)
    assert decision is not None and decision.sends == (Send(CDR, A.PREPARE),)
    assert decision.saga.due_at(LIMITS) == later + LIMITS.timeout
    for _ in range(1, LIMITS.attempts - 1):
        later += LIMITS.timeout
        decision = saga.on_tick(decision.saga, later, LIMITS)
        assert decision is not None and decision.sends == (Send(CDR, A.PREPARE),)
    decision = saga.on_tick(decision.saga, later + LIMITS.timeout, LIMITS)
    assert decision is not None and decision.saga.phase is Phase.COMPENSATE
    assert decision.sends == (Send(CDR, A.COMPENSATE),)
    assert decision.saga.failure == "cdr did not answer prepare after 3 sends"


def test_a_store_that_cannot_be_restored_is_named_for_a_person_to_check() -> None:
    state = reply(started(), CRM, A.PREPARE, ok=False, error="refused").saga
    state = reply(state, CDR, A.COMPENSATE, ok=False, error="schema locked").saga
    for day in range(1, LIMITS.attempts + 1):
        decision = saga.on_tick(state, T0 + timedelta(days=day), LIMITS)
        assert decision is not None
        state = decision.saga
    final = reply(state, CRM, A.COMPENSATE).saga
    assert final.phase is Phase.FAILED
    assert final.compensated == (CRM,)
    assert "NOT restored, check by hand: cdr: schema locked; billing did not answer" \
        in final.reason()


def test_the_state_survives_its_json_form() -> None:
    state = reply(started(), CRM, A.PREPARE, ok=False, error="refused").saga
    assert saga.from_json(saga.to_json(state)) == state


def test_a_failed_saga_restarts_as_a_new_run_from_prepare_and_nothing_else_does() -> None:
    failed = reply(started(), BILLING, A.PREPARE, ok=False, error="panne").saga
    for store in (CDR, BILLING, CRM):
        failed = reply(failed, store, A.COMPENSATE).saga
    assert failed.phase is Phase.FAILED
    restarted = saga.restart(failed, T0)
    assert restarted is not None
    assert restarted.saga.phase is Phase.PREPARE and restarted.saga.run == 2
    assert restarted.saga.failure is None and restarted.saga.compensated == ()
    assert restarted.sends == (Send(CRM, A.PREPARE), Send(BILLING, A.PREPARE),
                               Send(CDR, A.PREPARE))
    assert saga.from_json(saga.to_json(restarted.saga)) == restarted.saga
    assert saga.restart(started(), T0) is None
