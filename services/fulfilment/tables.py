"""One fulfilment per request: an export for access, a saga (``saga``, ``command``) else.

``restrictions``: each restriction in force, with what the stores need to lift it (the
customer code, holdings and categories per store), and where its lifting stands (sends of
``unrestrict`` so far, and why it failed when a store never answered).
"""

from sqlalchemy import JSON, Column, Integer, String, Table, text

from services.runtime.database import UtcDateTime, service_metadata
from services.runtime.withdrawals import withdrawals_table

metadata = service_metadata()

fulfilments = Table(
    "fulfilments",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("right", String(20), nullable=False),
    Column("awaiting", JSON, nullable=False),
    Column("outcomes", JSON, nullable=False),
    Column("export_refs", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("saga", JSON, nullable=True),
    Column("command", JSON, nullable=True),
    Column("due_at", UtcDateTime(), nullable=True, index=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

restrictions = Table(
    "restrictions",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("command", JSON, nullable=False),
    Column("state", String(20), nullable=False),
    Column("reason", String(500), nullable=True),
    Column("requested_by", String(80), nullable=True),
    Column("lift_at", UtcDateTime(), nullable=True, index=True),
    Column("notified_at", UtcDateTime(), nullable=True),
    Column("awaiting", JSON, nullable=False),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, default=0, server_default=text("0")),
    Column("failure", String(500), nullable=True),
    Column("outcomes", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

withdrawals = withdrawals_table(metadata)
