"""Every service's migrations build exactly the schema its ``tables.py`` describes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from services.migrations import (
    SERVICES,
    MigrationError,
    differences,
    metadata_of,
    migration_engine,
    upgrade,
)
from services.runtime.database import create_service_engine, psycopg_url
from services.runtime.settings import Settings
from services.workers import ALL

STALE = ("the migrations of {service} no longer match services/{service}/tables.py: {diff}\n"
         "generate a revision, read it, and commit it:\n"
         "    .venv/bin/python -m services.migrations revision {service} "
         "-m 'what changed'")


def assert_at_head(service: str, settings: Settings, database: str | None = None) -> None:
    engine = migration_engine(service, settings, database)
    try:
        with engine.connect() as conn:
            found = differences(conn, service)
            assert not found, STALE.format(service=service, diff=found)
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def test_every_service_has_migrations() -> None:
    assert set(SERVICES) == set(ALL)


@pytest.mark.parametrize("service", SERVICES)
def test_sqlite_migrations_match_the_models(service: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    upgrade(service, settings)
    assert_at_head(service, settings)
    upgrade(service, settings)  # at head already: nothing to do
    assert_at_head(service, settings)


def test_a_database_made_by_create_all_is_adopted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    create_service_engine("cdr", settings, metadata_of("cdr")).dispose()
    upgrade("cdr", settings)
    assert_at_head("cdr", settings)


def test_a_database_that_differs_from_the_models_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=None)
    engine = create_engine(f"sqlite:///{tmp_path / 'cdr.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE cells (cell_id VARCHAR(20) PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(MigrationError, match="differ from the models"):
        upgrade("cdr", settings)


@pytest.mark.postgres
@pytest.mark.parametrize("service", SERVICES)
def test_postgres_migrations_match_the_models(service: str, postgres_url: str,
                                              tmp_path: Path) -> None:
    schema = f"migrations_test_{service}"
    settings = Settings(data_dir=tmp_path, database_url=postgres_url)
    admin = create_engine(psycopg_url(postgres_url))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    try:
        upgrade(service, settings, database=schema)
        assert_at_head(service, settings, schema)
        tables = set(inspect(admin).get_table_names(schema=schema))
        assert set(metadata_of(service).tables) | {"alembic_version"} == tables
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
