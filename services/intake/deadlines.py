"""The statutory deadline of rulebook §2.5, as pure functions.

``due = min(receipt + 30 days, the same date next month, or that month's last day where the
date does not exist)``; the day of receipt is not counted; no weekend or holiday roll-forward.
Receipt dates are read in Mali's time (Africa/Bamako is UTC+0 all year, without DST).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

MALI_TIME = UTC
STATUTORY_DAYS = 30


def receipt_date(received_at: datetime) -> date:
    return received_at.astimezone(MALI_TIME).date()


def same_date_next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_date(received_at: datetime) -> date:
    received = receipt_date(received_at)
    return min(received + timedelta(days=STATUTORY_DAYS), same_date_next_month(received))


def internal_target(due: date, days_before: int) -> date:
    return due - timedelta(days=days_before)
