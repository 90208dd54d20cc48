"""Billing's tables. Every personal-data table carries ``restricted`` and the account key."""

from sqlalchemy import Column, Date, Integer, String, Table, Text

from services.runtime.database import UtcDateTime, service_metadata
from simulators.stores.commands import commands_table
from simulators.stores.sources import restriction_columns
from simulators.stores.staging import prepared_changes_table

metadata = service_metadata()


def _key() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _account_no() -> Column[str]:
    return Column("account_no", String(40), nullable=False, index=True)


accounts = Table(
    "accounts",
    metadata,
    Column("account_no", String(40), primary_key=True),
    Column("customer_code", String(40), nullable=False, index=True),
    Column("billing_address", String(300)),
    Column("status", String(20), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_no", String(40), primary_key=True),
    _account_no(),
    Column("issued_on", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("amount_xof", Integer, nullable=False),
    *restriction_columns(),
)

consumption = Table(
    "consumption",
    metadata,
    _key(),
    _account_no(),
    Column("month", Date, nullable=False),
    Column("amount_xof", Integer, nullable=False),
    *restriction_columns(),
)

payments = Table(
    "payments",
    metadata,
    _key(),
    _account_no(),
    Column("paid_at", UtcDateTime(), nullable=False),
    Column("amount_xof", Integer, nullable=False),
    Column("means", String(40), nullable=False),
    *restriction_columns(),
)

bank_details = Table(
    "bank_details",
    metadata,
    _key(),
    _account_no(),
    Column("rib", String(40), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

debts = Table(
    "debts",
    metadata,
    _key(),
    _account_no(),
    Column("amount_xof", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("since", Date, nullable=False),
    *restriction_columns(),
)

disputes = Table(
    "disputes",
    metadata,
    _key(),
    _account_no(),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("status", String(20), nullable=False),
    Column("items", Text, nullable=False),
    Column("statement", Text),
    *restriction_columns(),
)

commands = commands_table(metadata)
prepared_changes = prepared_changes_table(metadata)

ECONOMIC_TABLES = (invoices, consumption, payments, bank_details, debts, disputes)
SUBJECT_TABLES = (accounts, *ECONOMIC_TABLES)
