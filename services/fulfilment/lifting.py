"""Lifting a restriction (rulebook §6, §8): the customer is told first, the stores after.

A restriction that the saga committed is recorded in force (``remember``). The back office
asks to lift it: the lift is recorded as due ``DSR_RESTRICTION_LIFT_NOTICE_DAYS`` later and
announced (notification sends the notice and says so). A clock tick lifts it once the notice
has gone and the period has elapsed: ``unrestrict`` to every store that restricted the data,
re-sent with the same command id while a store has not answered. Durable: every step is a
state of the ``restrictions`` row, nothing waits in memory.

    active --lift requested--> announced --notified + due + tick--> lifting --all--> lifted
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, insert, or_, select

from contracts.backoffice import StoreAction, StoreCommand, StoreResult
from contracts.fulfilment import CategoryOutcome
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.vocabulary import Store
from services.fulfilment.tables import restrictions
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.saga_state import save_versioned

ACTIVE, ANNOUNCED, LIFTING, LIFTED = "active", "announced", "lifting", "lifted"


def remember(reference: str, command: dict[str, Any], deps: Deps) -> None:
    """The restriction saga committed: keep what the stores will need to lift it."""
    deps.db.execute(insert(restrictions).values(
        reference=reference, command=command, state=ACTIVE, awaiting=[], outcomes=[],
        version=1, updated_at=deps.now()))


def announce(request: RestrictionLiftRequested, deps: Deps) -> None:
    """Record the lift as due after the notice period and have the customer told."""
    row = _load(deps, request.reference)
    if row is None:
        raise Reject(f"no restriction of {request.reference} is in force")
    if row.state != ACTIVE:
        return
    lift_at = deps.now() + timedelta(days=deps.settings.restriction_lift_notice_days)
    save_versioned(deps.db, restrictions, row, deps.now(), state=ANNOUNCED,
                   reason=request.reason, requested_by=request.requested_by, lift_at=lift_at)
    deps.publish(RestrictionLiftAnnounced(reference=request.reference, lift_on=lift_at.date()),
                 subject=request.reference)


def notified(event: RestrictionLiftNotified, deps: Deps) -> None:
    row = _load(deps, event.reference)
    if row is not None and row.state == ANNOUNCED and row.notified_at is None:
        save_versioned(deps.db, restrictions, row, deps.now(), notified_at=event.notified_at)


def on_tick(now: datetime, deps: Deps) -> None:
    """Lift what is due and notified; re-send what a store has not answered."""
    for row in _due(deps, now):
        if row.state == ANNOUNCED:
            stores = list(row.command["steps"])
            save_versioned(deps.db, restrictions, row, now, state=LIFTING, awaiting=stores,
                           sent_at=now)
        else:
            stores = row.awaiting
            save_versioned(deps.db, restrictions, row, now, sent_at=now)
        for store in stores:
            _send(deps, row, Store(store))


def on_result(result: StoreResult, deps: Deps) -> None:
    row = _load(deps, result.reference)
    if row is None or row.state != LIFTING or result.store.value not in row.awaiting:
        return
    if not result.ok:
        return  # re-sent on a later tick, with the same command id
    awaiting = [s for s in row.awaiting if s != result.store.value]
    outcomes = row.outcomes + [{**o.model_dump(mode="json"), "store": result.store.value}
                               for o in result.outcomes]
    save_versioned(deps.db, restrictions, row, deps.now(), awaiting=awaiting,
                   outcomes=outcomes, state=LIFTING if awaiting else LIFTED)
    if not awaiting:
        deps.publish(RestrictionLifted(
            reference=row.reference,
            outcomes=[CategoryOutcome.model_validate(o) for o in outcomes]),
            subject=row.reference)


def _due(deps: Deps, now: datetime) -> list[Row[Any]]:
    t = restrictions.c
    timeout = timedelta(seconds=deps.settings.store_reply_timeout_s)
    lift = and_(t.state == ANNOUNCED, t.notified_at.is_not(None), t.lift_at <= now)
    resend = and_(t.state == LIFTING, t.sent_at <= now - timeout)
    return list(deps.db.execute(select(restrictions).where(or_(lift, resend))
                                .order_by(t.lift_at)).all())


def _send(deps: Deps, row: Row[Any], store: Store) -> None:
    template = row.command
    deps.publish(StoreCommand(
        command_id=f"{row.reference}:{StoreAction.UNRESTRICT.value}:{store.value}",
        reference=row.reference, store=store, action=StoreAction.UNRESTRICT,
        customer_code=template["customer_code"], holdings=template["holdings"],
        categories=template["steps"][store.value]["categories"],
    ), subject=row.reference)


def _load(deps: Deps, reference: str) -> Row[Any] | None:
    query = select(restrictions).where(restrictions.c.reference == reference)
    return deps.db.execute(query).first()
