"""What the delivery worker does on an event: only the clock's tick, which expires the SMS
whose delivery receipts never came (the SMSC never delivered, or a part was in doubt after a
crash and never sent again). The notification worker then falls back to a letter, or to the
call centre, as for an SMS that failed (``notification.delivery-updated.v1``, expired)."""

from __future__ import annotations

from datetime import timedelta

from contracts.status import ClockTicked
from services.delivery import repository
from services.runtime.deps import Deps

BATCH = 500  # per tick: a backlog is worked off over the next ticks


def expire_unreceipted(tick: ClockTicked, deps: Deps) -> None:
    if not deps.settings.smsc_receipts:
        return  # no receiver bound: no receipt is awaited
    hours = deps.settings.sms_receipt_timeout_h
    reason = f"no delivery receipt within {hours:g} h"
    cutoff = tick.now - timedelta(hours=hours)
    for notice_id in repository.awaiting_receipt(deps, cutoff, BATCH):
        repository.expire(deps, notice_id, reason)
    repository.forget_early_receipts(deps, cutoff)
