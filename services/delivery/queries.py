"""What the operator's tools read from the delivery worker: each notice's record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from contracts.notification import DeliveryState, Medium
from services.delivery.tables import deliveries


def records(engine: Engine, notice_ids: list[str] | None = None) -> list[dict[str, Any]]:
    query = select(deliveries).order_by(deliveries.c.queued_at, deliveries.c.notice_id)
    if notice_ids is not None:
        query = query.where(deliveries.c.notice_id.in_(notice_ids))
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(query)]


def of_request(engine: Engine, reference: str) -> list[dict[str, Any]]:
    """Where each of a request's notices stands, in the order they were queued."""
    query = select(deliveries).where(deliveries.c.reference == reference)
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(
            query.order_by(deliveries.c.queued_at, deliveries.c.notice_id))]


def letters_waiting(engine: Engine) -> list[dict[str, Any]]:
    """Letters in the print room that the mail room has not confirmed yet, oldest first."""
    d = deliveries.c
    query = select(deliveries).where(d.medium == Medium.LETTER.value,
                                     d.state == DeliveryState.SENT.value)
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(query.order_by(d.sent_at, d.notice_id))]
