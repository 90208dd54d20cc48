"""Reading and writing the request registry inside the handler's transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from contracts.vocabulary import RequestState
from services.intake.tables import notices, reference_counters, rejected_intakes, requests
from services.rulebook import answers

r = requests.c


def find_by_channel_reference(db: Connection, channel_reference: str) -> str | None:
    query = select(requests.c.reference).where(
        requests.c.channel_reference == channel_reference
    )
    return db.execute(query).scalar_one_or_none()


def get(db: Connection, reference: str, *, lock: bool = False) -> dict[str, Any] | None:
    """The request's row; ``lock``: held until the transaction ends (``FOR UPDATE`` on
    PostgreSQL), so two replicas moving one request take turns, and neither moves it back."""
    query = select(requests).where(requests.c.reference == reference)
    row = db.execute(query.with_for_update() if lock else query).first()
    return dict(row._mapping) if row else None


def next_reference(db: Connection, year: int) -> str:
    """``DSR-YYYY-NNNNNN``, numbered per year without gaps inside committed transactions."""
    counter = reference_counters.c
    bumped = db.execute(
        update(reference_counters)
        .where(counter.year == year)
        .values(last_number=counter.last_number + 1)
        .returning(counter.last_number)
    ).scalar_one_or_none()
    if bumped is None:
        db.execute(insert(reference_counters).values(year=year, last_number=1))
        bumped = 1
    return f"DSR-{year}-{bumped:06d}"


def set_state(
    db: Connection,
    reference: str,
    state: RequestState,
    now: datetime,
    reason: str | None = None,
    outcomes: list[dict[str, Any]] | None = None,
) -> None:
    values: dict[str, Any] = {"state": state.value, "reason": reason, "updated_at": now}
    if outcomes is not None:
        values["outcomes"] = outcomes
    if state.is_final:
        values["completed_at"] = now
    db.execute(update(requests).where(requests.c.reference == reference).values(**values))


def add(db: Connection, **values: Any) -> None:
    db.execute(insert(requests).values(**values))


def record_rejection(db: Connection, message_id: str, channel_reference: str | None,
                     problems: list[tuple[str, str]], now: datetime) -> None:
    db.execute(insert(rejected_intakes).values(
        message_id=message_id, channel_reference=channel_reference,
        problems=json.dumps(problems, ensure_ascii=False), rejected_at=now))


_UNANSWERED = (r.answered_at.is_(None),
               r.state.not_in([s.value for s in answers.OWES_NO_ANSWER]))


def to_escalate(db: Connection, today: date) -> Sequence[Row[Any]]:
    """Unanswered requests whose internal target has come and that were not escalated yet."""
    return db.execute(select(requests).where(
        *_UNANSWERED, r.escalated_at.is_(None), r.target_on <= today)).all()


def newly_breached(db: Connection, today: date) -> Sequence[Row[Any]]:
    """Unanswered requests past their due date whose breach is not recorded yet."""
    return db.execute(select(requests).where(
        *_UNANSWERED, r.breached_at.is_(None), r.due_on < today)).all()


def answered(db: Connection, reference: str, at: datetime) -> bool:
    """Record when the answer was given (the first time only); False if it was already."""
    done = db.execute(update(requests).where(r.reference == reference, r.answered_at.is_(None))
                      .values(answered_at=at))
    return bool(done.rowcount)


def mark(db: Connection, reference: str, **moments: datetime) -> None:
    """Record when an alert was raised (``escalated_at``, ``breached_at``)."""
    db.execute(update(requests).where(r.reference == reference).values(**moments))


_RANK = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2, "expired": 2}


def note_delivery(db: Connection, notice: dict[str, Any]) -> None:
    """Record where a notice stands; a late, older state does not overwrite a newer one."""
    found = db.execute(select(notices.c.state).where(
        notices.c.notice_id == notice["notice_id"])).first()
    if found is None:
        db.execute(insert(notices).values(**notice))
    elif _RANK[notice["state"]] > _RANK[found.state]:
        db.execute(update(notices).where(notices.c.notice_id == notice["notice_id"])
                   .values(state=notice["state"], at=notice["at"]))


def notices_of(db: Connection, reference: str) -> list[dict[str, Any]]:
    rows = db.execute(select(notices.c.kind, notices.c.medium, notices.c.state, notices.c.at)
                      .where(notices.c.reference == reference)
                      .order_by(notices.c.at, notices.c.notice_id)).all()
    return [dict(row._mapping) for row in rows]
