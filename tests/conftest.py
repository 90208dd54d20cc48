"""Shared fixtures. Broker tests use DSR_AMQP_URL, else testcontainers, else skip (not in CI).

``make test`` keeps to its own virtual host and databases (``tests/support/isolation.py``);
tests marked ``fault`` (restarting the machine's broker or database, creating broker-wide
users) are deselected unless ``--fault`` is given: ``make test-fault``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.runtime.settings import Settings
from tests.support import isolation

FAST_RETRIES = (20, 50, 100, 200)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fault", action="store_true", default=False,
                     help="also run the destructive tier (tests marked fault): it restarts "
                          "this machine's RabbitMQ and PostgreSQL and creates broker users")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--fault"):
        return
    kept = [item for item in items if item.get_closest_marker("fault") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


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
        vhost = os.environ.get("DSR_TEST_VHOST", isolation.DEFAULT_VHOST)
        why = isolation.ensure_vhost(url, vhost)
        if why is not None:
            _missing(f"RabbitMQ virtual host {vhost!r} for the tests ({why})")
        yield isolation.on_vhost(url, vhost)
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
def postgres_url() -> Iterator[str]:
    """A database of this run's own, beside the one ``DSR_TEST_DATABASE_URL`` names."""
    admin = os.environ.get("DSR_TEST_DATABASE_URL")
    if not admin:
        _missing("PostgreSQL (set DSR_TEST_DATABASE_URL)")
    assert admin
    url = isolation.create_database(admin)
    try:
        yield url
    finally:
        isolation.drop_database(admin, url)
