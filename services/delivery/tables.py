"""Delivery's own tables: one row per notice, one per SMS part submitted."""

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from services.runtime.database import UtcDateTime, service_metadata

metadata = service_metadata()

deliveries = Table(
    "deliveries",
    metadata,
    Column("notice_id", String(60), primary_key=True),
    Column("reference", String(20), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("medium", String(10), nullable=False),
    Column("state", String(12), nullable=False,
           comment="queued, sent, delivered, failed, expired"),
    Column("gateway_id", String(120), comment="SMSC message_id (first part), Message-ID, "
           "print-room file"),
    Column("reason", Text),
    Column("queued_at", UtcDateTime(), nullable=False),
    Column("sent_at", UtcDateTime()),
    Column("finished_at", UtcDateTime()),
    # sent SMS still waiting for their receipts, oldest first (handlers.expire_unreceipted)
    Index("ix_deliveries_awaiting", "medium", "state", "sent_at"),
)

sms_parts = Table(
    "sms_parts",
    metadata,
    Column("notice_id", String(60), primary_key=True),
    Column("part", Integer, primary_key=True),
    Column("message_id", String(65), comment="null while submitting: in doubt after a crash"),
    Column("state", String(12), comment="the receipt's: delivered, failed, expired"),
    Column("submitted_at", UtcDateTime(), nullable=False),
    UniqueConstraint("message_id", name="uq_sms_parts_message_id"),
)

# Each gateway's next free send slot, shared by the delivery replicas (shared_pace.py).
gateway_paces = Table(
    "gateway_paces",
    metadata,
    Column("gateway", String(20), primary_key=True),
    Column("next_at", UtcDateTime(), nullable=False),
)
