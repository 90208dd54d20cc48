"""Delivery's own tables: one row per notice, one per SMS part submitted, and the receipts
that came before their part's message id was recorded."""

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

# A receipt may come before its part's message id is recorded (an SMSC can report delivery
# within milliseconds of its submit_sm_resp): it waits here until the part is recorded sent.
early_receipts = Table(
    "early_receipts",
    metadata,
    Column("message_id", String(65), primary_key=True),
    Column("state", String(12), nullable=False, comment="delivered, failed, expired"),
    Column("error", String(10), nullable=False, comment="the receipt's err: field"),
    Column("received_at", UtcDateTime(), nullable=False, index=True),
)

# Each gateway's next free send slot, shared by the delivery replicas (shared_pace.py).
gateway_paces = Table(
    "gateway_paces",
    metadata,
    Column("gateway", String(20), primary_key=True),
    Column("next_at", UtcDateTime(), nullable=False),
)
