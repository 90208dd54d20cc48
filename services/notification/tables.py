"""The customer's contact for each request, and the simulated outbound gateways."""

from sqlalchemy import Boolean, Column, Date, Integer, String, Table, Text, UniqueConstraint

from services.runtime.database import UtcDateTime, service_metadata
from services.runtime.withdrawals import withdrawals_table

metadata = service_metadata()

recipients = Table(
    "recipients",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("msisdn", String(20), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("right", String(20), nullable=False),
    Column("received_at", UtcDateTime(), nullable=False),
    Column("due_on", Date, nullable=False),
    # the return address written on a postal request's letter, lines joined by " / "
    Column("return_address", String(600)),
    Column("number_held", Boolean, nullable=True,
           comment="the number given was the subject's on the receipt date, as discovery "
           "found; false: a former customer's, whose SMS are held for the call centre"),
)

outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(20), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("medium", String(10), nullable=False),
    Column("recipient", String(620), nullable=False),
    Column("body", Text, nullable=False),
    Column("parts", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("document", String(200)),
    UniqueConstraint("reference", "kind", "medium", "recipient",
                     name="uq_outbound_once_per_kind"),
)

# One row per access package issued: when it expires, and when its files were destroyed.
packages = Table(
    "packages",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("expires_at", UtcDateTime(), nullable=False, index=True),
    Column("destroyed_at", UtcDateTime(), nullable=True),
)

# What the call centre must tell the customer by phone: an SMS held (addressing.py) or one
# that failed for good with no postal address to fall back on.
call_list = Table(
    "call_list",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("kind", String(30), primary_key=True),
    Column("reason", String(300), nullable=False),
    Column("listed_at", UtcDateTime(), nullable=False),
    Column("called_at", UtcDateTime(), nullable=True),
    Column("called_by", String(80), nullable=True),
)

withdrawals = withdrawals_table(metadata)
