"""Each store's saga steps: prepare keeps the prior state, compensate puts it back exactly."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select

from simulators.cdr.tables import cdr_events
from simulators.stores.registry import store_service
from tests.unit.test_stores_support import Backend, Stores, seeded_stores

CODE = "CM-100003"
CHANGES = {
    "crm": ("erase", "rectify", "restrict", "opt_out"),
    "billing": ("erase", "rectify", "restrict"),
    "cdr": ("erase", "restrict"),
}
CORRECTIONS = {"email": "nouveau@example.ml", "address": "Rue 12, Bamako"}


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=20)
    yield seeded
    seeded.close()


def data(stores: Stores, store: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the store's personal-data tables, in key order."""
    tables = store_service(store).subject_tables
    with stores.engine(store).connect() as db:
        return {t.name: [tuple(r) for r in db.execute(select(t).order_by(*t.primary_key))]
                for t in tables}


def prepared(stores: Stores, store: str) -> list[Any]:
    table = store_service(store).prepared_changes
    with stores.engine(store).connect() as db:
        return list(db.execute(select(table)).all())


def step(stores: Stores, store: str, action: str, change: str) -> dict[str, Any]:
    fields: dict[str, Any] = {"customer_code": CODE, "corrections": CORRECTIONS,
                              "change": change}
    if store == "cdr":
        fields["holdings"] = stores.holdings(CODE)
    return stores.send(store, action, command_id=f"{action}-{store}", **fields)


@pytest.mark.parametrize(("store", "change"),
                         [(s, c) for s, changes in CHANGES.items() for c in changes])
def test_compensation_after_commit_restores_the_store_exactly(
        stores: Stores, store: str, change: str) -> None:
    before = data(stores, store)
    assert step(stores, store, "prepare", change)["ok"]
    assert step(stores, store, "commit", change)["ok"]
    changed = data(stores, store)
    assert step(stores, store, "compensate", change)["ok"]
    assert data(stores, store) == before
    assert changed != before
    (row,) = prepared(stores, store)
    assert row.state == "compensated" and row.prior == {}


@pytest.mark.parametrize("store", list(CHANGES))
def test_prepare_restricts_the_rows_and_compensation_lifts_it(
        stores: Stores, store: str) -> None:
    before = data(stores, store)
    assert step(stores, store, "prepare", "erase")["ok"]
    assert data(stores, store) != before
    assert step(stores, store, "compensate", "erase")["ok"]
    assert data(stores, store) == before


def restricted(stores: Stores, store: str) -> dict[str, int]:
    tables = store_service(store).subject_tables
    with stores.engine(store).connect() as db:
        return {t.name: len(db.execute(select(t).where(t.c.restricted)).all())
                for t in tables if "restricted" in t.c}


def test_a_commit_leaves_no_restriction_of_its_own(stores: Stores) -> None:
    before = restricted(stores, "crm")
    step(stores, "crm", "prepare", "rectify")
    assert restricted(stores, "crm") != before
    step(stores, "crm", "commit", "rectify")
    assert restricted(stores, "crm") == before


def test_release_forgets_the_prior_state_and_the_change_stays(stores: Stores) -> None:
    step(stores, "billing", "prepare", "erase")
    step(stores, "billing", "commit", "erase")
    erased = data(stores, "billing")
    assert step(stores, "billing", "release", "erase")["ok"]
    (row,) = prepared(stores, "billing")
    assert row.state == "released" and row.prior == {}
    refused = step(stores, "billing", "compensate", "erase")
    assert not refused["ok"] and data(stores, "billing") == erased


def test_a_compensation_before_its_prepare_blocks_the_late_prepare(stores: Stores) -> None:
    before = data(stores, "crm")
    assert step(stores, "crm", "compensate", "erase")["ok"]
    late = step(stores, "crm", "prepare", "erase")
    assert not late["ok"] and "compensated" in late["error"]
    assert not step(stores, "crm", "commit", "erase")["ok"]
    assert data(stores, "crm") == before


def test_a_step_resent_with_the_same_command_id_acts_once(stores: Stores) -> None:
    step(stores, "crm", "prepare", "erase")
    first = step(stores, "crm", "commit", "erase")
    again = step(stores, "crm", "commit", "erase")
    assert first == again and first["ok"]


@pytest.mark.parametrize("store", list(CHANGES))
def test_a_retried_run_stages_afresh_while_the_first_stays_compensated(
        stores: Stores, store: str) -> None:
    before = data(stores, store)
    assert step(stores, store, "prepare", "erase")["ok"]
    assert step(stores, store, "compensate", "erase")["ok"]
    assert data(stores, store) == before
    fields: dict[str, Any] = {"customer_code": CODE, "change": "erase", "run": 2}
    if store == "cdr":
        fields["holdings"] = stores.holdings(CODE)
    for action in ("prepare", "commit", "release"):
        assert stores.send(store, action, command_id=f"r2-{action}-{store}", **fields)["ok"]
    assert data(stores, store) != before
    late = stores.send(store, "prepare", command_id=f"late-prepare-{store}",
                       **{**fields, "run": 1})
    assert not late["ok"] and "compensated" in late["error"]
    assert sorted(row.state for row in prepared(stores, store)) == ["compensated", "released"]


def test_compensation_restores_more_rows_than_sqlite_binds_in_one_statement(
        tmp_path: Path) -> None:
    """Over 40,000 CDR rows of one subject: SQLite binds at most 32,766 parameters in one
    statement (the default limit; some builds raise it, so the test sets it), so the saved
    rows cannot be named in one IN list."""
    stores = seeded_stores(tmp_path, Backend(), subscribers=4, cdr_per_subscriber=5)
    engine = stores.engine("cdr")
    engine.dispose()
    event.listen(engine, "connect", lambda conn, _: conn.setlimit(
        sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766))
    try:
        msisdns = [h.msisdn for h in stores.holdings(CODE)]
        with stores.engine("cdr").begin() as db:
            model = db.execute(select(cdr_events).where(cdr_events.c.msisdn.in_(msisdns))
                               .limit(1)).one()._asdict()
            del model["id"]
            db.execute(insert(cdr_events), [model] * 41_000)
            subject = db.execute(select(func.count()).select_from(cdr_events)
                                 .where(cdr_events.c.msisdn.in_(msisdns))).scalar_one()
        assert subject > 40_000
        before = data(stores, "cdr")
        assert step(stores, "cdr", "prepare", "erase")["ok"]
        assert step(stores, "cdr", "commit", "erase")["ok"]
        assert data(stores, "cdr") != before
        compensated = step(stores, "cdr", "compensate", "erase")
        assert compensated["ok"], compensated
        assert data(stores, "cdr") == before
    finally:
        stores.close()
