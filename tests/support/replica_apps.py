"""Several processes' worth of one service's adapters on one PostgreSQL schema: replicas,
without starting processes (the fault tier does that)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

from sqlalchemy import text

from services.bootstrap import App, bootstrap
from tests.conftest import embedded_settings


@contextmanager
def replicas_of(service: str, postgres_url: str, tmp_path: Path,
                count: int = 2) -> Iterator[list[App]]:
    """``count`` apps of ``service`` on a schema of their own, dropped after."""
    prefix = f"rep{uuid4().hex[:8]}_"
    settings = embedded_settings(tmp_path, database_url=postgres_url)
    apps = [bootstrap(settings, names=(service,), prefix=prefix, configure_logs=False)
            for _ in range(count)]
    try:
        yield apps
    finally:
        with apps[0].engine(service).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{prefix}{service}" CASCADE'))
        for app in apps:
            app.dispose()
