"""``dsr seed --cdr-rows``: COPY-loaded stores hold the asked volume and every edge case."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from services.cli.bulk_seed import HEAVY_AT_SCALE, seed_at_scale
from services.rulebook.retention import Retention
from services.runtime.settings import Settings
from simulators.cdr.tables import cdr_events
from simulators.population.demo import HEAVY_USER, RECYCLED_MSISDN
from simulators.population.generator import build_population
from tests.unit.test_stores_support import NOW, Backend, Stores, stores_over

SUBSCRIBERS, CDR_ROWS = 200, HEAVY_AT_SCALE + 30_000
PREVIOUS_HOLDER, CURRENT_HOLDER, UNDER_REQUISITION = "CM-100006", "CM-100007", "CM-100014"


@pytest.fixture
def scale_seeded(tmp_path: Path, store_backend: Backend) -> Iterator[tuple[Stores, dict[str, int]]]:
    settings = Settings(data_dir=tmp_path, database_url=store_backend.database_url)
    counts = seed_at_scale(settings, SUBSCRIBERS, CDR_ROWS, prefix=store_backend.prefix, now=NOW)
    stores = stores_over(settings, store_backend.prefix,
                         build_population(7400, SUBSCRIBERS, 0, NOW))
    yield stores, counts
    stores.close()


def usage_records(result: dict[str, object]) -> int:
    inventory = result["inventory"]
    assert isinstance(inventory, list)
    return sum(int(i["records"]) for i in inventory if i["category"] == "connection_usage")


def test_the_asked_volume_is_loaded_with_the_heavy_user_among_it(
        scale_seeded: tuple[Stores, dict[str, int]]) -> None:
    stores, counts = scale_seeded
    with stores.engine("cdr").connect() as db:
        stored = db.execute(select(func.count()).select_from(cdr_events)).scalar_one()
    assert counts["cdr.cdr_events"] == stored >= CDR_ROWS
    assert counts["crm.customers"] >= SUBSCRIBERS
    heavy = usage_records(stores.send("cdr", "discover", holdings=stores.holdings(HEAVY_USER)))
    assert heavy >= HEAVY_AT_SCALE


def test_indexes_dropped_for_the_load_are_back(
        scale_seeded: tuple[Stores, dict[str, int]], store_backend: Backend) -> None:
    stores, _ = scale_seeded
    schema = store_backend.prefix + "cdr" if store_backend.database_url else None
    with stores.engine("cdr").connect() as db:
        found = {index["name"] for index in inspect(db).get_indexes("cdr_events", schema)}
    assert {str(index.name) for index in cdr_events.indexes} <= found


def test_a_recycled_number_splits_between_its_holders_at_scale(
        scale_seeded: tuple[Stores, dict[str, int]]) -> None:
    stores, _ = scale_seeded
    previous, current = stores.holdings(PREVIOUS_HOLDER), stores.holdings(CURRENT_HOLDER)
    on_number = cdr_events.c.msisdn == RECYCLED_MSISDN
    # the previous holder's traffic older than its retention is never disclosed again
    recent = cdr_events.c.started_at >= Retention(12, 10).traffic_cutoff(NOW)
    with stores.engine("cdr").connect() as db:
        total = db.execute(select(func.count()).select_from(cdr_events)
                           .where(on_number, recent)).scalar_one()
    found_previous = usage_records(stores.send("cdr", "discover", holdings=previous))
    found_current = usage_records(stores.send("cdr", "discover", holdings=current))
    assert found_previous > 0 and found_current > 0
    assert found_previous + found_current == total


def test_a_requisition_hold_stays_opaque_at_scale(
        scale_seeded: tuple[Stores, dict[str, int]]) -> None:
    stores, _ = scale_seeded
    result = stores.send("cdr", "discover", holdings=stores.holdings(UNDER_REQUISITION))
    text = str(result).lower()
    assert "legal_obligation" in text
    assert "requisition" not in text and "interception" not in text
