"""The CRM's tables. Every personal-data table carries ``restricted`` and ``customer_code``."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.runtime.database import UtcDateTime, service_metadata
from simulators.stores.commands import commands_table
from simulators.stores.sources import restriction_columns
from simulators.stores.staging import prepared_changes_table

metadata = service_metadata()


def _key() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _customer_code() -> Column[str]:
    return Column("customer_code", String(40), nullable=False, index=True)


customers = Table(
    "customers",
    metadata,
    Column("customer_code", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("full_name", String(200), nullable=False),
    Column("given_names", String(120)),
    Column("surname", String(120)),
    Column("photo_ref", String(200)),
    Column("profession", String(120)),
    Column("nina", String(40), index=True),
    Column("rccm", String(40)),
    Column("nif", String(40)),
    Column("date_of_birth", Date),
    Column("place_of_birth", String(120)),
    Column("gender", String(1)),
    Column("nationality", String(60)),
    Column("representative_code", String(40)),
    Column("status", String(20), nullable=False),
    Column("anonymised", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

contact_points = Table(
    "contact_points",
    metadata,
    _key(),
    _customer_code(),
    Column("kind", String(20), nullable=False),
    Column("value", String(300), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    _key(),
    _customer_code(),
    Column("msisdn", String(16), nullable=False),
    Column("held_from", UtcDateTime(), nullable=False),
    Column("held_until", UtcDateTime()),
    Column("product", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    *restriction_columns(),
    Index("ix_subscriptions_msisdn_period", "msisdn", "held_from"),
)

devices = Table(
    "devices",
    metadata,
    _key(),
    _customer_code(),
    Column("type", String(40), nullable=False),
    Column("model", String(120), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

agent_interactions = Table(
    "agent_interactions",
    metadata,
    _key(),
    _customer_code(),
    Column("at", UtcDateTime(), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("note", Text, nullable=False),
    *restriction_columns(),
)

profiles = Table(
    "profiles",
    metadata,
    _key(),
    _customer_code(),
    Column("segment", String(60), nullable=False),
    Column("score", Integer, nullable=False),
    Column("inputs", Text, nullable=False),
    Column("computed_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
)

marketing_preferences = Table(
    "marketing_preferences",
    metadata,
    _key(),
    _customer_code(),
    Column("channel", String(20), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("opted_in", Boolean, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    *restriction_columns(),
    UniqueConstraint("customer_code", "channel", "purpose"),
)

holds = Table(
    "holds",
    metadata,
    _key(),
    _customer_code(),
    Column("kind", String(20), nullable=False),
    Column("since", UtcDateTime(), nullable=False),
    Column("until", UtcDateTime()),
    Column("reference", String(60), nullable=False),
)

pseudonym_keys = Table(
    "pseudonym_keys",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("secret", LargeBinary, nullable=False),
)

commands = commands_table(metadata)
prepared_changes = prepared_changes_table(metadata)

SUBJECT_TABLES = (customers, contact_points, subscriptions, devices, agent_interactions,
                  profiles, marketing_preferences, holds)
