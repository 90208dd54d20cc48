"""The simulated stores are tested on both databases they run on."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text

from services.runtime.database import psycopg_url
from services.workers import STORES
from tests.unit.test_stores_support import Backend


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield Backend()
        return
    url: str = request.getfixturevalue("postgres_url")
    backend = Backend(url, prefix=f"t{uuid4().hex[:10]}_")
    yield backend
    admin = create_engine(psycopg_url(url))
    with admin.begin() as conn:
        for store in STORES:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{backend.prefix}{store}" CASCADE'))
    admin.dispose()
