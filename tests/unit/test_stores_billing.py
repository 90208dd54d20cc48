"""The billing store: accounting, debt and litigation holds; masked RIB; billing address."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from simulators.billing.tables import SUBJECT_TABLES, accounts, bank_details, consumption
from tests.unit.test_stores_support import Backend, Stores, outcomes_by, seeded_stores


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=10)
    yield seeded
    seeded.close()


def rows(stores: Stores, table: Table, account_no: str, *where: Any) -> int:
    query = select(func.count()).select_from(table).where(table.c.account_no == account_no,
                                                          *where)
    with stores.engine("billing").connect() as db:
        return int(db.execute(query).scalar_one())


def test_discovery_reports_the_holds_on_financial_data(stores: Stores) -> None:
    inventory = stores.send("billing", "discover", customer_code="CM-100011")["inventory"]
    financial = next(i for i in inventory if i["category"] == "economic_financial")
    kinds = {h["kind"]: h["until"] for h in financial["holds"]}
    assert "debt" in kinds and kinds["accounting"].endswith("-12-31")
    litigation = stores.send("billing", "discover", customer_code="CM-100012")["inventory"]
    assert any(h["kind"] == "litigation" for i in litigation for h in i["holds"])


def test_erasing_a_former_customer_keeps_accounting_records_until_their_term(
        stores: Stores) -> None:
    result = outcomes_by(stores.send("billing", "erase", customer_code="CM-100006"))
    kept = result[("economic_financial", "retain")]
    assert "OHADA" in kept["reason"] and kept["kept_until"].endswith("-12-31")
    assert int(kept["kept_until"][:4]) >= 2035
    assert result[("economic_financial", "erase")]["records"] > 0
    assert result[("contact", "erase")]["records"] == 1
    assert rows(stores, consumption, "AC-100006") == 0
    with stores.engine("billing").connect() as db:
        address = db.execute(select(accounts.c.billing_address)
                             .where(accounts.c.account_no == "AC-100006")).scalar_one()
    assert address is None


def test_a_debt_under_recovery_keeps_everything_restricted(stores: Stores) -> None:
    result = outcomes_by(stores.send("billing", "erase", customer_code="CM-100011"))
    assert "recouvrement" in result[("economic_financial", "retain")]["reason"]
    assert ("economic_financial", "erase") not in result
    for table in SUBJECT_TABLES:
        assert rows(stores, table, "AC-100011", table.c.restricted.is_(False)) == 0


def test_an_open_dispute_keeps_what_the_case_names(stores: Stores) -> None:
    result = stores.send("billing", "erase", customer_code="CM-100012")
    reasons = [o["reason"] for o in result["outcomes"] if o["action"] == "retain"]
    assert any("litige" in reason for reason in reasons)
    assert rows(stores, consumption, "AC-100012", consumption.c.restricted.is_(True)) > 0


def test_restriction_flags_every_row_of_every_account(stores: Stores) -> None:
    result = stores.send("billing", "restrict", customer_code="CM-100009")
    assert {o["category"] for o in result["outcomes"]} == {"economic_financial", "contact"}
    for table in SUBJECT_TABLES:
        assert rows(stores, table, "AC-100009", table.c.restricted.is_(False)) == 0


def test_the_export_shows_the_rib_only_by_its_last_four_digits(stores: Stores) -> None:
    with stores.engine("billing").connect() as db:
        rib = db.execute(select(bank_details.c.rib)
                         .where(bank_details.c.account_no == "AC-100009")).scalar_one()
    result = stores.send("billing", "export", customer_code="CM-100009")
    text = stores.read_export(result["export_ref"])
    shown = [json.loads(line)["record"]["rib"] for line in text.splitlines() if '"rib"' in line]
    assert shown == ["*" * (len(rib) - 4) + rib[-4:]]
    assert rib not in text and rib[:-4] not in text
    counts = outcomes_by(result)
    assert counts[("economic_financial", "export")]["records"] > 0
    assert counts[("contact", "export")]["records"] == 1


def test_exports_of_two_subjects_in_turn_each_hold_only_their_own_accounts(
        stores: Stores) -> None:
    """On PostgreSQL the export's SQL is compiled once and bound anew for each subject."""
    for code in ("CM-100009", "CM-100001", "CM-100009"):
        result = stores.send("billing", "export", customer_code=code)
        lines = [json.loads(line) for line in
                 stores.read_export(result["export_ref"]).splitlines()]
        accounts_named = {line["record"]["account_no"] for line in lines
                          if "account_no" in line["record"]}
        assert accounts_named == {code.replace("CM-", "AC-")}


def test_the_billing_address_follows_a_corrected_address(stores: Stores) -> None:
    new = "Rue 420, Porte 12, Badalabougou, Bamako"
    result = stores.send("billing", "rectify", customer_code="CM-100001",
                         corrections={"address": new, "surname": "Traore"})
    assert outcomes_by(result)[("contact", "rectify")]["records"] == 1
    assert rows(stores, accounts, "AC-100001", accounts.c.billing_address == new) == 1
