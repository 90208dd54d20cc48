"""Rulebook §3.3: remind about a missing document, then close the request in time.

Driven by ``clock.ticked.v1``: the state is in the table, so nothing is lost on a restart
and tests choose the time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from contracts.identity import DocumentReminderDue, IdentityFailure
from contracts.status import ClockTicked
from services.identity.handlers import DOCUMENT_REQUESTED, conclude, record
from services.identity.repository import waiting_for_document
from services.identity.results import check
from services.runtime.deps import Deps

NOT_RECEIVED = check("document_received", False, IdentityFailure.DOCUMENT_NOT_RECEIVED)


def close_on(due_on: date, days_before_due: int) -> date:
    return due_on - timedelta(days=days_before_due)


def remind_on(received_at: datetime, reminder_days: int) -> date:
    return (received_at + timedelta(days=reminder_days)).date()


def on_tick(tick: ClockTicked, deps: Deps) -> None:
    today = tick.now.date()
    settings = deps.settings
    for row in waiting_for_document(deps.db, DOCUMENT_REQUESTED):
        closing = close_on(row.due_on, settings.document_close_days_before_due)
        if today >= closing:
            conclude(deps, row, [NOT_RECEIVED], None)
        elif row.reminded_at is None and \
                today >= remind_on(row.received_at, settings.document_reminder_days):
            record(deps, row, DOCUMENT_REQUESTED, None, reminded_at=tick.now)
            deps.publish(DocumentReminderDue(reference=row.reference, close_on=closing),
                         subject=row.reference)
