"""One discovery per request: which stores have answered and what they hold.

``flow``: the state of ``services.discovery.flow`` (which store is asked, how often, since
when); ``due_at``: when the oldest unanswered question is overdue (read on clock ticks);
``document``: a rectification's verified document fields, passed on to fulfilment and
forgotten once the discovery is over.
"""

from sqlalchemy import JSON, Column, Integer, String, Table

from services.runtime.database import UtcDateTime, service_metadata
from services.runtime.withdrawals import withdrawals_table

metadata = service_metadata()

discoveries = Table(
    "discoveries",
    metadata,
    Column("reference", String(20), primary_key=True),
    Column("right", String(20), nullable=False),
    Column("customer_code", String(40), nullable=False),
    Column("details", JSON, nullable=False),
    Column("document", JSON, nullable=True),
    Column("awaiting", JSON, nullable=False),
    Column("holdings", JSON, nullable=False),
    Column("inventory", JSON, nullable=False),
    Column("completed", Integer, nullable=False, default=0),
    Column("flow", JSON, nullable=True),
    Column("due_at", UtcDateTime(), nullable=True, index=True),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

withdrawals = withdrawals_table(metadata)
