"""The request registry: every registered request, its state, and every rejected intake."""

from sqlalchemy import JSON, Column, Date, Index, Integer, String, Table, Text

from services.runtime.database import UtcDateTime, service_metadata

metadata = service_metadata()

requests = Table(
    "requests",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("channel", String(20), nullable=False),
    Column("channel_reference", String(120), nullable=False, unique=True),
    Column("right", String(20), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("target_on", Date, nullable=False),
    Column("state", String(30), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("outcomes", JSON, nullable=True),
    Column("registered_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("completed_at", UtcDateTime(), nullable=True),
    Column("escalated_at", UtcDateTime(), nullable=True),
    Column("breached_at", UtcDateTime(), nullable=True),
    # when the request's answer reached the customer: its notice taken by a gateway, or read
    # out by the call centre (answers.py); the deadline runs until then
    Column("answered_at", UtcDateTime(), nullable=True),
    Index("ix_requests_unanswered", "answered_at", "target_on"),
    # the console's list: keyset pages by due date, filtered by state or not
    Index("ix_requests_due", "due_on", "reference"),
    Index("ix_requests_state_due", "state", "due_on", "reference"),
)

reference_counters = Table(
    "reference_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
)

rejected_intakes = Table(
    "rejected_intakes",
    metadata,
    Column("message_id", String(200), primary_key=True),
    Column("channel_reference", String(120), nullable=True),
    Column("problems", Text, nullable=False),
    Column("rejected_at", UtcDateTime(), nullable=False),
)

# Each notice sent to the customer and where it stands with its gateway (the status reply).
notices = Table(
    "notices",
    metadata,
    Column("notice_id", String(60), primary_key=True),
    Column("reference", String(20), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("medium", String(10), nullable=False),
    Column("state", String(12), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)
