"""Withdrawn requests, as each saga worker remembers them so that it stops cleanly.

A withdrawal may reach a worker before the event that would have started its step (the two
travel through different queues), so the worker keeps the fact and checks it first.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, MetaData, String, Table, insert, select

from services.runtime.database import UtcDateTime
from services.runtime.deps import Deps


def withdrawals_table(metadata: MetaData) -> Table:
    return Table(
        "withdrawals",
        metadata,
        Column("reference", String(20), primary_key=True),
        Column("withdrawn_at", UtcDateTime(), nullable=False),
    )


def is_withdrawn(db: Connection, table: Table, reference: str) -> bool:
    query = select(table.c.reference).where(table.c.reference == reference)
    return db.execute(query).first() is not None


def remember_withdrawal(deps: Deps, table: Table, reference: str) -> bool:
    """Record the withdrawal once; False if it was already known."""
    if is_withdrawn(deps.db, table, reference):
        return False
    deps.db.execute(insert(table).values(reference=reference, withdrawn_at=deps.now()))
    return True
