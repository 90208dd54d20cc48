"""What the operator's tools read from the notification worker: the call centre's list."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from services.notification.tables import call_list, outbound_messages


def calls_due(engine: Engine, include_done: bool = False) -> list[dict[str, Any]]:
    """Customers the call centre must phone: what about and why, oldest first."""
    query = select(call_list).order_by(call_list.c.listed_at, call_list.c.reference)
    if not include_done:
        query = query.where(call_list.c.called_at.is_(None))
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(query)]


def notices(engine: Engine) -> list[dict[str, Any]]:
    """Every notice recorded (kind, medium, recipient), for the tests and the demo."""
    t = outbound_messages.c
    query = select(t.id, t.reference, t.kind, t.medium, t.recipient, t.parts, t.body)
    with engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(query.order_by(t.id))]
