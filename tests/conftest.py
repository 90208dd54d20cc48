"""Shared fixtures. Broker tests use DSR_AMQP_URL, else testcontainers, else skip (not in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.runtime.settings import Settings

FAST_RETRIES = (20, 50, 100, 200)


def embedded_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "amqp_url": None, "database_url": None, "data_dir": data_dir,
        "retry_delays_ms": FAST_RETRIES, "log_json": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return embedded_settings(tmp_path)


def _missing(what: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required under CI=true", pytrace=False)
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    url = os.environ.get("DSR_AMQP_URL")
    if url:
        yield url
        return
    try:
        from testcontainers.rabbitmq import RabbitMqContainer

        container = RabbitMqContainer("rabbitmq:3.13-management")
        container.start()
    except Exception as exc:
        _missing(f"RabbitMQ (set DSR_AMQP_URL; testcontainers failed: {type(exc).__name__})")
        return
    try:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/%2F"
    finally:
        container.stop()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("DSR_TEST_DATABASE_URL")
    if not url:
        _missing("PostgreSQL (set DSR_TEST_DATABASE_URL)")
    assert url
    return url
