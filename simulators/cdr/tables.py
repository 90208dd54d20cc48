"""The CDR store's tables: events (each carries ``restricted``), cells and legal holds."""

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table

from services.runtime.database import UtcDateTime, service_metadata
from simulators.stores.commands import commands_table
from simulators.stores.sources import restriction_columns
from simulators.stores.staging import prepared_changes_table

metadata = service_metadata()

cdr_events = Table(
    "cdr_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("msisdn", String(16), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("counterpart", String(16)),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("duration_s", Integer),
    Column("volume_kb", Integer),
    Column("cell_id", String(20)),
    Column("imei", String(20)),
    Column("ip_address", String(45)),
    *restriction_columns(),
    Index("ix_cdr_events_msisdn_started_at", "msisdn", "started_at"),
    Index("ix_cdr_events_imei", "imei"),
)

cells = Table(
    "cells",
    metadata,
    Column("cell_id", String(20), primary_key=True),
    Column("town", String(80), nullable=False),
    Column("region", String(80), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

holds = Table(
    "holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("msisdn", String(16), index=True),
    Column("imei", String(20), index=True),
    Column("held_from", UtcDateTime(), nullable=False),
    Column("held_until", UtcDateTime()),
    Column("reference", String(60), nullable=False),
)

commands = commands_table(metadata)
prepared_changes = prepared_changes_table(metadata)

SUBJECT_TABLES = (cdr_events, cells, holds)
