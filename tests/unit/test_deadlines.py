"""Rulebook §2.5: the statutory due date, the worked examples and its properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.intake.deadlines import due_date, internal_target


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:30:00+00:00")


@pytest.mark.parametrize(("received", "due"), [
    ("2026-01-31", date(2026, 2, 28)),
    ("2024-01-31", date(2024, 2, 29)),
    ("2026-03-05", date(2026, 4, 4)),
    ("2025-12-31", date(2026, 1, 30)),
    ("2026-02-28", date(2026, 3, 28)),
])
def test_worked_examples_of_the_rulebook(received: str, due: date) -> None:
    assert due_date(at(received)) == due


def test_a_call_late_in_the_evening_counts_on_its_own_day() -> None:
    assert due_date(datetime(2026, 1, 31, 23, 59, tzinfo=UTC)) == date(2026, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_due_date_is_never_later_than_thirty_days_nor_next_month(received: date) -> None:
    due = due_date(datetime(received.year, received.month, received.day, 12, tzinfo=UTC))
    assert received < due <= received + timedelta(days=30)
    next_month = (received.month % 12) + 1
    assert (due.year, due.month) <= (received.year + (received.month == 12), next_month)


def test_internal_target_is_five_days_before_due_by_default() -> None:
    assert internal_target(date(2026, 2, 28), 5) == date(2026, 2, 23)
