"""The call centre's list: what to tell a customer by phone (an SMS held by addressing.py,
or one that failed for good with no postal address), and the call that tells it.

A call made is recorded with the agent's login and published as ``notification.call-made.v1``
in the same transaction: intake counts an answer read out on the phone as given then.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select, update

from contracts.notification import CallMade, NotificationKind
from services.notification.tables import call_list, metadata
from services.runtime.clock import Clock
from services.runtime.commands import transaction
from services.runtime.deps import Deps
from services.runtime.settings import Settings

SERVICE = "notification"
t = call_list.c


def record_call(deps: Deps, reference: str, by: str, note: str = "") -> list[NotificationKind]:
    """Every line of ``reference`` still to call, marked called by ``by``; what it was about
    (nothing when no call was due)."""
    kinds = [NotificationKind(k) for k in deps.db.execute(
        select(t.kind).where(t.reference == reference, t.called_at.is_(None))
        .order_by(t.listed_at, t.kind).with_for_update()).scalars()]
    if not kinds:
        return []
    now: datetime = deps.now()
    deps.db.execute(update(call_list).where(t.reference == reference, t.called_at.is_(None))
                    .values(called_at=now, called_by=by[:80]))
    deps.publish(CallMade(reference=reference, kinds=kinds, called_by=by[:80],
                          note=note[:300], at=now), subject=reference)
    return kinds


def mark_called(engine: Engine, settings: Settings, clock: Clock, reference: str, by: str,
                note: str = "") -> list[NotificationKind]:
    """``record_call`` in its own transaction (``dsr calls --called``, the console)."""
    with transaction(engine, metadata, clock, settings, SERVICE) as deps:
        return record_call(deps, reference, by, note)
