"""Each service owns its database: a SQLite file, or a schema of its own in PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from services.runtime.settings import Settings


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


def messaging_tables(metadata: MetaData) -> None:
    """Add the inbox and outbox every worker keeps next to its own tables."""
    Table(
        "inbox",
        metadata,
        Column("consumer", String(80), primary_key=True),
        Column("source", String(200), primary_key=True),
        Column("message_id", String(200), primary_key=True),
        Column("digest", String(64), nullable=False),
        Column("handled_at", UtcDateTime(), nullable=False),
    )
    Table(
        "outbox",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
               autoincrement=True),
        Column("event_id", String(200), nullable=False, unique=True),
        Column("exchange", String(80), nullable=False),
        Column("routing_key", String(200), nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Index("ix_outbox_created", "created_at"),
    )


def service_metadata() -> MetaData:
    metadata = MetaData()
    messaging_tables(metadata)
    return metadata


def create_service_engine(service: str, settings: Settings, metadata: MetaData) -> Engine:
    """Build the engine for ``service`` and make sure its tables exist."""
    if settings.database_dsn:
        engine = _postgres_engine(service, settings.database_dsn)
    else:
        engine = _sqlite_engine(service, settings)
    metadata.create_all(engine)
    return engine


def psycopg_url(dsn: str) -> str:
    """A PostgreSQL URL as SQLAlchemy names the psycopg 3 driver."""
    return dsn.replace("postgresql://", "postgresql+psycopg://", 1)


def ensure_schema(engine: Engine, schema: str) -> None:
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))


def _postgres_engine(service: str, url: str) -> Engine:
    """No ping before each checkout (a round trip per message): a connection the server
    dropped fails its first statement as a disconnect, SQLAlchemy then discards every pooled
    connection of that age, and ``DatabaseOutage`` retries the message."""
    base = create_engine(psycopg_url(url), pool_size=2, max_overflow=4)
    ensure_schema(base, service)
    return base.execution_options(schema_translate_map={None: service})


def _sqlite_engine(service: str, settings: Settings) -> Engine:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / f"{service}.sqlite3"
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def utcnow_column(name: str) -> Column[datetime]:
    return Column(name, UtcDateTime(), nullable=False)
