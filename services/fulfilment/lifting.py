"""Lifting a restriction (rulebook §6, §8): the customer is told first, the stores after.

A restriction that the saga committed is recorded in force (``remember``). The back office
asks to lift it: the lift is recorded as due ``DSR_RESTRICTION_LIFT_NOTICE_DAYS`` later and
announced (notification sends the notice and says so). A clock tick lifts it once the notice
has gone and the period has elapsed: ``unrestrict`` to every store that restricted the data,
re-sent with the same command id while a store has not answered, ``DSR_STORE_ATTEMPTS``
sends at most (as the saga). A store that never answers fails the lift: the row keeps why,
``fulfilment.failed.v1`` records it (the stores to check by hand) and ``dsr stuck`` lists
the failed lift with its reason for the back office. A new lift request on a failed lift sends
``unrestrict`` again to the stores that did not answer (the customer was told already).
Durable: every step is a state of the ``restrictions`` row, nothing waits in memory.

    active --lift requested--> announced --notified + due + tick--> lifting --all--> lifted
    lifting --no answer after the last send--> failed --lift requested--> lifting
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.fulfilment import CategoryOutcome, FulfilmentFailed
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.vocabulary import Right, Store
from services.fulfilment.repository import RESTRICTIONS, lifts_due
from services.runtime.deps import Deps
from services.runtime.errors import Reject

ACTIVE, ANNOUNCED, LIFTING, LIFTED, FAILED = (
    "active", "announced", "lifting", "lifted", "failed")


def remember(reference: str, command: dict[str, Any], deps: Deps) -> None:
    """The restriction saga committed: keep what the stores will need to lift it."""
    RESTRICTIONS.add(deps.db, reference=reference, command=command, state=ACTIVE, awaiting=[],
                     outcomes=[], version=1, updated_at=deps.now())


def announce(request: RestrictionLiftRequested, deps: Deps) -> None:
    """Record the lift as due after the notice period and have the customer told."""
    row = RESTRICTIONS.find(deps.db, request.reference)
    if row is None:
        raise Reject(f"no restriction of {request.reference} is in force")
    if row.state == FAILED:
        _lift_again(row, deps)
        return
    if row.state != ACTIVE:
        return
    lift_at = deps.now() + timedelta(days=deps.settings.restriction_lift_notice_days)
    RESTRICTIONS.save(deps.db, row, deps.now(), state=ANNOUNCED,
                   reason=request.reason, requested_by=request.requested_by, lift_at=lift_at)
    deps.publish(RestrictionLiftAnnounced(reference=request.reference, lift_on=lift_at.date()),
                 subject=request.reference)


def notified(event: RestrictionLiftNotified, deps: Deps) -> None:
    row = RESTRICTIONS.find(deps.db, event.reference)
    if row is not None and row.state == ANNOUNCED and row.notified_at is None:
        RESTRICTIONS.save(deps.db, row, deps.now(), notified_at=event.notified_at)


def on_tick(now: datetime, deps: Deps) -> None:
    """Lift what is due and notified; re-send what a store has not answered."""
    for row in _due(deps, now):
        if row.state == ANNOUNCED:
            stores = list(row.command["steps"])
            RESTRICTIONS.save(deps.db, row, now, state=LIFTING, awaiting=stores,
                           sent_at=now, attempts=1)
        elif row.attempts >= deps.settings.store_attempts:
            _fail(row, now, deps)
            continue
        else:
            stores = row.awaiting
            RESTRICTIONS.save(deps.db, row, now, sent_at=now,
                           attempts=row.attempts + 1)
        for store in stores:
            _send(deps, row, Store(store))


def _fail(row: Row[Any], now: datetime, deps: Deps) -> None:
    """The last send went unanswered: stop, and put the request before a person."""
    silent = ", ".join(row.awaiting)
    failure = (f"restriction lift failed: {silent} did not answer unrestrict after "
               f"{row.attempts} sends; still restricted there, check by hand")
    lifted = [s for s in row.command["steps"] if s not in row.awaiting]
    if lifted:
        failure += "; lifted in: " + ", ".join(lifted)
    RESTRICTIONS.save(deps.db, row, now, state=FAILED, failure=failure)
    deps.publish(FulfilmentFailed(
        reference=row.reference, right=Right.RESTRICTION, reason=failure,
        not_restored=[Store(s) for s in row.awaiting]), subject=row.reference)


def _lift_again(row: Row[Any], deps: Deps) -> None:
    """The back office asks again after a failed lift: the stores that did not answer are
    sent ``unrestrict`` again (same command id), with a fresh count of sends."""
    now = deps.now()
    RESTRICTIONS.save(deps.db, row, now, state=LIFTING, sent_at=now, attempts=1,
                   failure=None)
    for store in row.awaiting:
        _send(deps, row, Store(store))


def on_result(result: StoreResult, deps: Deps) -> None:
    row = RESTRICTIONS.find(deps.db, result.reference)
    if row is None or row.state != LIFTING or result.store.value not in row.awaiting:
        return
    if not result.ok:
        return  # re-sent on a later tick, with the same command id
    awaiting = [s for s in row.awaiting if s != result.store.value]
    outcomes = row.outcomes + [{**o.model_dump(mode="json"), "store": result.store.value}
                               for o in result.outcomes]
    RESTRICTIONS.save(deps.db, row, deps.now(), awaiting=awaiting,
                   outcomes=outcomes, state=LIFTING if awaiting else LIFTED)
    if not awaiting:
        deps.publish(RestrictionLifted(
            reference=row.reference,
            outcomes=[CategoryOutcome.model_validate(o) for o in outcomes]),
            subject=row.reference)


def _due(deps: Deps, now: datetime) -> list[Row[Any]]:
    timeout = timedelta(seconds=deps.settings.store_reply_timeout_s)
    return lifts_due(deps.db, now, timeout, ANNOUNCED, LIFTING)


def _send(deps: Deps, row: Row[Any], store: Store) -> None:
    template = row.command
    deps.publish(StoreCommand(
        command_id=f"{row.reference}:{StoreAction.UNRESTRICT.value}:{store.value}",
        reference=row.reference, store=store, action=StoreAction.UNRESTRICT,
        customer_code=template["customer_code"], holdings=template["holdings"],
        categories=template["steps"][store.value]["categories"],
    ), subject=row.reference)
