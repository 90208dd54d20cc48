"""The audit log (append-only, hash-chained), its chain head, and the register per request.

No column holds personal data: a request is named only by its reference, and summaries keep
states, rights, channels, dates, check names and outcomes per category.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    event,
    insert,
)

from services.audit.chain import GENESIS
from services.runtime.database import UtcDateTime, service_metadata

metadata = service_metadata()

Sequence = BigInteger().with_variant(Integer, "sqlite")

audit_entries = Table(
    "audit_entries",
    metadata,
    Column("sequence", Sequence, primary_key=True, autoincrement=False),
    Column("reference", String(20), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("source", String(200), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Index("ix_audit_entries_reference", "reference", "sequence"),
)

# One row (id 1): the last sequence and hash. Every writer locks it first, so two writers
# cannot both extend the same entry and fork the chain; it also reveals a truncated tail.
chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_sequence", Sequence, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=True),
)

register = Table(
    "register",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("right", String(20), nullable=True),
    Column("channel", String(20), nullable=True),
    Column("received_at", UtcDateTime(), nullable=True),
    Column("due_on", Date, nullable=True),
    Column("state", String(30), nullable=True),
    Column("state_at", UtcDateTime(), nullable=True),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("identity", String(20), nullable=True),
    Column("failed_checks", JSON, nullable=True),
    Column("outcomes", JSON, nullable=True),
    Column("fulfilment_failed", Boolean, nullable=False, default=False),
    Column("fulfilment_review", String(20), nullable=True),
    Column("package_destroyed_at", UtcDateTime(), nullable=True),
    Column("answer_sent_at", UtcDateTime(), nullable=True,
           comment="when a gateway first took the answer (the outcome notice): the legal "
           "deadline counts the answer as given then"),
    Column("escalated_at", UtcDateTime(), nullable=True),
    Column("breached_at", UtcDateTime(), nullable=True),
    Column("last_sequence", Sequence, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index("ix_register_received", "received_at"),
)


def _start_chain(target: Table, connection: Connection, **_: Any) -> None:
    connection.execute(insert(target).values(id=1, last_sequence=0, last_hash=GENESIS))


event.listen(chain_head, "after_create", _start_chain)
