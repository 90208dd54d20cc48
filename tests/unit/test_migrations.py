"""Every service's migrations build exactly the schema its ``tables.py`` describes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select, text

from contracts.identity import CheckResult, IdentityFailure
from services.identity.tables import verifications
from services.migrations import (
    SERVICES,
    MigrationError,
    alembic_config,
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
    assert set(SERVICES) == {*ALL, "console"}


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


def test_a_check_recorded_before_failure_codes_is_given_its_code(tmp_path: Path) -> None:
    """A manual review waiting across the upgrade reads its checks back: each failed one has
    the code its check fails with (identity_0003)."""
    settings = Settings(data_dir=tmp_path, database_url=None)
    legacy = [{"check": "holder_name", "passed": False, "inconclusive": True,
               "note": "the name is close to, but not the same as, our records"},
              {"check": "representative_on_file", "passed": False, "inconclusive": True},
              {"check": "document_accepted", "passed": True, "note": None}]
    engine = migration_engine("identity", settings)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config("identity", conn), "identity_0002")
            conn.execute(insert(verifications).values(
                reference="DSR-2026-000001", right="access", received_at=datetime.now(UTC),
                due_on=date(2026, 12, 2), outcome="manual_review", checks=legacy, details={},
                updated_at=datetime.now(UTC)))
        upgrade("identity", settings)
        with engine.connect() as conn:
            stored = conn.execute(select(verifications.c.checks)).scalar_one()
    finally:
        engine.dispose()
    checks = [CheckResult.model_validate(c) for c in stored]
    assert [c.failure for c in checks] == [IdentityFailure.NAME_CLOSE,
                                           IdentityFailure.REPRESENTATIVE_NOT_ON_FILE, None]
