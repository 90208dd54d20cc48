"""Every end-to-end scenario runs twice: on the in-process bus and on a real RabbitMQ."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from services.workers import ALL
from tests.conftest import embedded_settings
from tests.support.harness import Harness, embedded_harness, rabbit_harness

HarnessFactory = Callable[..., AbstractContextManager[Harness]]


@pytest.fixture(params=["embedded", pytest.param("rabbitmq", marks=pytest.mark.broker)])
def start(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HarnessFactory]:
    """``with start(names, **settings) as harness:`` on the bus this run is parametrised with."""

    def factory(names: tuple[str, ...] = ALL,
                **overrides: object) -> AbstractContextManager[Harness]:
        if request.param == "embedded":
            return embedded_harness(embedded_settings(tmp_path, **overrides), names)
        url = request.getfixturevalue("amqp_url")
        return rabbit_harness(embedded_settings(tmp_path, amqp_url=url, **overrides), names)

    yield factory
