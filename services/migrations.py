"""Schema migrations: one Alembic history per service, the same on SQLite and PostgreSQL.

Revisions live in ``infra/migrations/versions/<service>/``, generated from the service's
``tables.metadata``; each service database (a SQLite file, or a PostgreSQL schema of its own)
keeps its own ``alembic_version`` table.

    dsr migrate [SERVICE ...]                  # DSR_* settings, every service if none
    python -m services.migrations revision SERVICE -m "what changed"
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import False_, True_
from sqlalchemy.types import TypeDecorator

from services.console.tables import metadata as console_tables
from services.runtime.database import _sqlite_engine, ensure_schema, psycopg_url
from services.runtime.settings import Settings
from services.workers import ALL, worker

#: Services with a database of their own that consume no queue: the back-office console.
APPS: dict[str, MetaData] = {"console": console_tables}
SERVICES = (*ALL, *APPS)
VERSION_TABLE = "alembic_version"
_HERE = Path(__file__).resolve()
_CANDIDATES = (_HERE.parents[1] / "infra" / "migrations", Path.cwd() / "infra" / "migrations")


class MigrationError(RuntimeError):
    """A database cannot be brought to the head revision safely."""


def migrations_dir() -> Path:
    """The Alembic script directory: next to the source tree, else under the working dir."""
    for candidate in _CANDIDATES:
        if (candidate / "env.py").is_file():
            return candidate
    raise MigrationError(f"no migrations found in {' or '.join(map(str, _CANDIDATES))}")


def metadata_of(service: str) -> MetaData:
    if service not in SERVICES:
        raise KeyError(f"unknown service {service!r}; choose from {', '.join(SERVICES)}")
    return APPS[service] if service in APPS else worker(service).tables


def alembic_config(service: str, connection: Connection | None = None) -> Config:
    root = migrations_dir()
    config = Config()
    config.set_main_option("script_location", str(root))
    config.set_main_option("version_locations", str(root / "versions" / service))
    config.set_main_option("path_separator", "os")
    config.attributes["service"] = service
    config.attributes["connection"] = connection
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff:  # revisions come out formatted and lint-clean
        config.set_section_option("post_write_hooks", "hooks", "format, fix")
        for hook, options in (("format", "format"), ("fix", "check --fix --quiet")):
            config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
            config.set_section_option("post_write_hooks", f"{hook}.executable", ruff)
            config.set_section_option("post_write_hooks", f"{hook}.options",
                                      f"{options} REVISION_SCRIPT_FILENAME")
    return config


def migration_engine(service: str, settings: Settings, database: str | None = None) -> Engine:
    """An engine whose default schema is the service's own (PostgreSQL ``search_path``)."""
    name = database or service
    if not settings.database_dsn:
        return _sqlite_engine(name, settings)
    url = psycopg_url(settings.database_dsn)
    admin = create_engine(url, poolclass=NullPool)
    ensure_schema(admin, name)
    admin.dispose()
    return create_engine(url, poolclass=NullPool,
                         connect_args={"options": f"-csearch_path={name}"})


def upgrade(service: str, settings: Settings, *, database: str | None = None) -> None:
    """Bring the service's database to the head revision.

    ``database`` names the PostgreSQL schema (or SQLite file stem); the service's own name
    by default, as ``create_service_engine`` uses. A database made by ``metadata.create_all``
    before migrations existed is stamped at head if it matches the models, refused otherwise.
    """
    engine = migration_engine(service, settings, database)
    try:
        with engine.begin() as conn:
            config = alembic_config(service, conn)
            if _unversioned_tables(conn, service):
                _adopt(service, conn, config)
            command.upgrade(config, "head")
    finally:
        engine.dispose()


def differences(connection: Connection, service: str) -> list[Any]:
    """What the database lacks or has beyond the service's models ([] when they agree)."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [diff for diff in compare_metadata(context, metadata_of(service))
            if not _is_version_table(diff)]


def _unversioned_tables(connection: Connection, service: str) -> bool:
    names = set(inspect(connection).get_table_names())
    return VERSION_TABLE not in names and bool(names & set(metadata_of(service).tables))


def _adopt(service: str, connection: Connection, config: Config) -> None:
    found = differences(connection, service)
    if found:
        raise MigrationError(f"{service}: tables made without migrations differ from the "
                             f"models, migrate them by hand: {found}")
    command.stamp(config, "head")


def _is_version_table(diff: Any) -> bool:
    return (isinstance(diff, tuple) and diff[0] == "remove_table"
            and diff[1].name == VERSION_TABLE)


def render_item(kind: str, item: Any, _context: Any) -> str | bool:
    """Render our column types as their plain SQLAlchemy implementation (a revision must not
    import application code that may change after it), and boolean defaults as ``sa.false()``
    rather than the SQLite literal ``0`` PostgreSQL refuses for a boolean."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl_instance!r}"
    if kind == "server_default" and isinstance(getattr(item, "arg", None), False_ | True_):
        return f"sa.{item.arg.__visit_name__}()"
    return False


def revision(service: str, message: str) -> Path:
    """Autogenerate the next revision: diff the models against a fresh SQLite database
    migrated to the current head."""
    versions = migrations_dir() / "versions" / service
    versions.mkdir(parents=True, exist_ok=True)
    number = len(list(versions.glob(f"{service}_*.py"))) + 1
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch), database_url=None)
        upgrade(service, settings)
        engine = migration_engine(service, settings)
        try:
            with engine.begin() as conn:
                command.revision(alembic_config(service, conn), message, autogenerate=True,
                                 rev_id=f"{service}_{number:04d}")
        finally:
            engine.dispose()
    return versions


def main(argv: Sequence[str] | None = None) -> None:
    """Developers' entry point; operators migrate with ``dsr migrate``."""
    parser = argparse.ArgumentParser(description="autogenerate a revision from tables.py")
    parser.add_argument("action", choices=["revision"])
    parser.add_argument("service", choices=SERVICES)
    parser.add_argument("-m", "--message", required=True)
    args = parser.parse_args(argv)
    print(f"written under {revision(args.service, args.message)}")


if __name__ == "__main__":
    main()
