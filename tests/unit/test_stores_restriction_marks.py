"""Lifting a restriction clears only what that restriction placed (rulebook §6): data held
after an erasure and disputed usage records stay restricted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select, update

from simulators.billing.tables import (
    SUBJECT_TABLES,
    accounts,
    consumption,
    disputes,
    invoices,
    payments,
)
from simulators.cdr.tables import cdr_events
from simulators.crm.tables import contact_points, customers
from tests.unit.test_stores_support import Backend, Stores, seeded_stores

DEBTOR, DISPUTING, RESTRICTED = "CM-100011", "CM-100001", "CM-100008"
USAGE_DISPUTE = {"consumption": "2026-10", "counterpart": "+22370000000"}


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=10)
    yield seeded
    seeded.close()


def billing_rows(stores: Stores, table: Table, code: str, restricted: bool) -> int:
    owned = select(accounts.c.account_no).where(accounts.c.customer_code == code)
    key = table.c.customer_code == code if table is accounts else table.c.account_no.in_(owned)
    query = select(func.count()).select_from(table).where(key, table.c.restricted.is_(restricted))
    with stores.engine("billing").connect() as db:
        return int(db.execute(query).scalar_one())


def crm_rows(stores: Stores, table: Table, code: str, restricted: bool) -> int:
    query = select(func.count()).select_from(table).where(
        table.c.customer_code == code, table.c.restricted.is_(restricted))
    with stores.engine("crm").connect() as db:
        return int(db.execute(query).scalar_one())


def events(stores: Stores, code: str, restricted: bool) -> int:
    msisdns = [h.msisdn for h in stores.holdings(code)]
    query = select(func.count()).select_from(cdr_events).where(
        cdr_events.c.msisdn.in_(msisdns), cdr_events.c.restricted.is_(restricted))
    with stores.engine("cdr").connect() as db:
        return int(db.execute(query).scalar_one())


def restrict_then_lift(stores: Stores, store: str, code: str, saga: bool = False) -> None:
    fields: dict[str, Any] = {"customer_code": code}
    if store == "cdr":
        fields["holdings"] = stores.holdings(code)
    if saga:
        for action in ("prepare", "commit", "release"):
            assert stores.send(store, action, change="restrict", **fields)["ok"]
    else:
        assert stores.send(store, "restrict", **fields)["ok"]
    assert stores.send(store, "unrestrict", **fields)["ok"]


def test_the_rows_a_restriction_flagged_are_unflagged_by_its_lift(stores: Stores) -> None:
    restrict_then_lift(stores, "billing", RESTRICTED)
    restrict_then_lift(stores, "crm", RESTRICTED, saga=True)
    restrict_then_lift(stores, "cdr", RESTRICTED)
    for table in SUBJECT_TABLES:
        assert billing_rows(stores, table, RESTRICTED, restricted=True) == 0
    assert crm_rows(stores, customers, RESTRICTED, restricted=True) == 0
    assert crm_rows(stores, contact_points, RESTRICTED, restricted=True) == 0
    assert events(stores, RESTRICTED, restricted=True) == 0


@pytest.mark.parametrize("restriction_first", [False, True])
def test_data_held_after_an_erasure_stays_restricted_when_a_restriction_is_lifted(
        stores: Stores, restriction_first: bool) -> None:
    if restriction_first:
        assert stores.send("billing", "restrict", customer_code=DEBTOR)["ok"]
        assert stores.send("crm", "restrict", customer_code=DEBTOR)["ok"]
    assert stores.send("billing", "erase", customer_code=DEBTOR)["ok"]
    assert stores.send("crm", "erase", customer_code=DEBTOR)["ok"]
    held = {t.name: billing_rows(stores, t, DEBTOR, restricted=True) for t in SUBJECT_TABLES}
    assert sum(held.values()) > 0
    if not restriction_first:
        assert stores.send("billing", "restrict", customer_code=DEBTOR)["ok"]
        assert stores.send("crm", "restrict", customer_code=DEBTOR)["ok"]
    assert stores.send("billing", "unrestrict", customer_code=DEBTOR)["ok"]
    assert stores.send("crm", "unrestrict", customer_code=DEBTOR)["ok"]
    for table in SUBJECT_TABLES:
        assert billing_rows(stores, table, DEBTOR, restricted=True) == held[table.name]
    assert crm_rows(stores, customers, DEBTOR, restricted=False) == 0
    assert crm_rows(stores, contact_points, DEBTOR, restricted=False) == 0


@pytest.mark.parametrize("saga", [False, True])
def test_disputed_usage_records_stay_restricted_when_a_restriction_is_lifted(
        stores: Stores, saga: bool) -> None:
    holdings = stores.holdings(DISPUTING)
    assert stores.send("billing", "rectify", customer_code=DISPUTING,
                       corrections=USAGE_DISPUTE, statement="Pas moi.")["ok"]
    assert stores.send("cdr", "rectify", holdings=holdings, corrections=USAGE_DISPUTE,
                       statement="Pas moi.")["ok"]
    disputed = events(stores, DISPUTING, restricted=True)
    assert disputed > 0
    restrict_then_lift(stores, "billing", DISPUTING, saga)
    restrict_then_lift(stores, "cdr", DISPUTING, saga)
    assert billing_rows(stores, consumption, DISPUTING, restricted=False) == 0
    assert billing_rows(stores, disputes, DISPUTING, restricted=False) == 0
    assert events(stores, DISPUTING, restricted=True) == disputed
    for table in (accounts, invoices, payments):
        assert billing_rows(stores, table, DISPUTING, restricted=True) == 0


def test_a_dispute_opened_while_restricted_outlives_the_restriction(stores: Stores) -> None:
    assert stores.send("billing", "restrict", customer_code=DISPUTING)["ok"]
    assert stores.send("billing", "rectify", customer_code=DISPUTING,
                       corrections=USAGE_DISPUTE, statement="Pas moi.")["ok"]
    assert stores.send("billing", "unrestrict", customer_code=DISPUTING)["ok"]
    assert billing_rows(stores, consumption, DISPUTING, restricted=False) == 0
    assert billing_rows(stores, consumption, DISPUTING, restricted=True) > 0
    assert billing_rows(stores, invoices, DISPUTING, restricted=True) == 0


def lifted_records(result: dict[str, Any]) -> dict[str, int]:
    return {o["category"]: o["records"] for o in result["outcomes"]}


def test_a_lift_reports_the_rows_it_unflagged_not_the_subjects_whole_record(
        stores: Stores) -> None:
    holdings = stores.holdings(DISPUTING)
    msisdns = [h.msisdn for h in holdings]
    some = select(cdr_events.c.id).where(cdr_events.c.msisdn.in_(msisdns)).limit(3)
    with stores.engine("cdr").begin() as db:
        db.execute(update(cdr_events).where(cdr_events.c.id.in_(some.scalar_subquery()))
                   .values(restricted=True, restricted_by="dispute"))
    disputed = events(stores, DISPUTING, restricted=True)
    everything = disputed + events(stores, DISPUTING, restricted=False)
    assert 0 < disputed < everything
    assert stores.send("cdr", "restrict", holdings=holdings)["ok"]
    lifted = stores.send("cdr", "unrestrict", holdings=holdings)
    assert lifted["ok"]
    assert lifted_records(lifted)["connection_usage"] == everything - disputed
    assert all(0 < n <= everything - disputed for n in lifted_records(lifted).values())
    again = stores.send("cdr", "unrestrict", holdings=holdings)
    assert again["ok"] and again["outcomes"] == [], "nothing left to unflag"
    assert stores.send("crm", "restrict", customer_code=DISPUTING)["ok"]
    first = lifted_records(stores.send("crm", "unrestrict", customer_code=DISPUTING))
    assert first["contact"] == crm_rows(stores, contact_points, DISPUTING, restricted=False)
    assert lifted_records(stores.send("crm", "unrestrict", customer_code=DISPUTING)) == {}
