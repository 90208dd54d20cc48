"""Verifications: the outcome and checks are kept; the claim is dropped once decided."""

from sqlalchemy import JSON, Column, Date, String, Table

from services.runtime.database import UtcDateTime, service_metadata

metadata = service_metadata()

verifications = Table(
    "verifications",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("right", String(20), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("reminded_at", UtcDateTime(), nullable=True),
    Column("outcome", String(30), nullable=False),
    Column("document_kind", String(30), nullable=True),
    Column("document_sha256", String(64), nullable=True),
    Column("customer_code", String(40), nullable=True),
    Column("command_id", String(100), nullable=True, comment="the CRM identify in flight"),
    Column("checks", JSON, nullable=True),
    Column("pending_claim", JSON, nullable=True, comment="subject claim and document fields, "
           "kept only until the decision"),
    Column("details", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)
