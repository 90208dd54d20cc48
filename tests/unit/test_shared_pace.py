"""Two delivery replicas on one PostgreSQL share the SMSC's contract: whichever replica
sends, no second holds more submit_sm than DSR_SMSC_TPS (docs/scaling.md)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import pytest

from services.bootstrap import App
from services.delivery.shared_pace import CATCH_UP, SharedPace
from tests.support.replica_apps import replicas_of

pytestmark = pytest.mark.postgres
TPS = 100.0


@pytest.fixture
def two_replicas(postgres_url: str, tmp_path: Path) -> Iterator[tuple[App, App]]:
    with replicas_of("delivery", postgres_url, tmp_path) as (first, second):
        yield first, second


def slots_taken(pace: SharedPace, count: int) -> list[datetime]:
    return [pace.take()[0] for _ in range(count)]


def test_two_replicas_never_send_faster_than_the_contract_together(
        two_replicas: tuple[App, App]) -> None:
    paces = [SharedPace.per_second(app.engine("delivery"), "smsc", TPS) for app in two_replicas]
    with ThreadPoolExecutor(4) as pool:  # two threads per replica, as the actors run
        taken = list(pool.map(slots_taken, [*paces, *paces], [60] * 4))
    slots = sorted(slot for mine in taken for slot in mine)
    gaps = [(b - a).total_seconds() for a, b in pairwise(slots)]
    assert len(set(slots)) == 240, "each slot given once"
    assert min(gaps) >= 1 / TPS, "never two sends closer than the contract allows"
    busiest = max(sum(1 for s in slots if 0 <= (s - start).total_seconds() < 1.0)
                  for start in slots)
    assert busiest <= TPS
    assert all(len(mine) == 60 for mine in taken)


def test_after_a_quiet_spell_only_a_few_sends_go_at_once_then_each_waits_its_slot(
        two_replicas: tuple[App, App]) -> None:
    waits: list[float] = []
    pace = SharedPace.per_second(two_replicas[0].engine("delivery"), "smsc", TPS,
                                 guard=0.0)
    pace.sleep = waits.append
    for _ in range(10):
        pace.acquire()
    at_once = 10 - len(waits)
    assert at_once <= CATCH_UP + 1, "a quiet spell is not caught up in a burst"
    assert all(0 < w <= 10 / TPS for w in waits)
    assert sum(waits) >= (10 - CATCH_UP - 2) / TPS, "then one send per interval"
