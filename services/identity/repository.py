"""The identity worker's rows: one verification per request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from services.identity.tables import verifications
from services.runtime.repository import ByReference

VERIFICATIONS = ByReference(verifications, "verification")


def waiting_for_document(db: Connection, outcome: str) -> Sequence[Row[Any]]:
    """The verifications still waiting, with ``outcome``, for the document asked for; locked,
    so that a document arriving meanwhile waits for the reminder or the closing."""
    query = select(verifications).where(verifications.c.outcome == outcome)
    return db.execute(query.with_for_update()).all()
