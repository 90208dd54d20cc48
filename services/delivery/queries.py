"""What the operator's tools read from the delivery worker: each notice's record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from services.delivery.tables import deliveries


def records(engine: Engine, notice_ids: list[str] | None = None) -> list[dict[str, Any]]:
    query = select(deliveries).order_by(deliveries.c.queued_at, deliveries.c.notice_id)
    if notice_ids is not None:
        query = query.where(deliveries.c.notice_id.in_(notice_ids))
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(query)]
