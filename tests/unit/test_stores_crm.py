"""The CRM store: identity at the receipt date, erasure with reasons, restriction, opt-out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Table, func, select

from contracts.backoffice import StoreAction, StoreCommand
from contracts.vocabulary import Store
from simulators.crm.tables import (
    SUBJECT_TABLES,
    contact_points,
    customers,
    holds,
    marketing_preferences,
)
from simulators.population.demo import FORMER_CUSTOMER, RECYCLED_MSISDN, demo_subjects
from tests.unit.test_stores_support import NOW, Backend, Stores, outcomes_by, seeded_stores

PREVIOUS_HOLDER, CURRENT_HOLDER = "CM-100006", "CM-100007"
AFTER_RECYCLING, BEFORE_RECYCLING = NOW - timedelta(days=100), NOW - timedelta(days=300)


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=10)
    yield seeded
    seeded.close()


def identify(stores: Stores, **fields: Any) -> dict[str, Any] | None:
    result = stores.send("crm", "identify", **fields)
    assert result["ok"]
    identity: dict[str, Any] | None = result["identity"]
    return identity


def customer(stores: Stores, code: str) -> Any:
    with stores.engine("crm").connect() as db:
        return db.execute(select(customers).where(customers.c.customer_code == code)).one()


def count(stores: Stores, table: Table, code: str, *where: Any) -> int:
    query = select(func.count()).select_from(table).where(table.c.customer_code == code, *where)
    with stores.engine("crm").connect() as db:
        return int(db.execute(query).scalar_one())


def test_a_previous_holder_did_not_hold_a_recycled_number_after_recycling(
        stores: Stores) -> None:
    previous = identify(stores, customer_code=PREVIOUS_HOLDER, msisdn=RECYCLED_MSISDN,
                        as_of=AFTER_RECYCLING)
    current = identify(stores, customer_code=CURRENT_HOLDER, msisdn=RECYCLED_MSISDN,
                       as_of=AFTER_RECYCLING)
    assert previous and previous["msisdn_held_on_receipt"] is False
    assert current and current["msisdn_held_on_receipt"] is True


def test_the_number_alone_finds_whoever_held_it_on_the_receipt_date(stores: Stores) -> None:
    later = identify(stores, msisdn=RECYCLED_MSISDN, as_of=AFTER_RECYCLING)
    earlier = identify(stores, msisdn=RECYCLED_MSISDN, as_of=BEFORE_RECYCLING)
    assert later and later["customer_code"] == CURRENT_HOLDER
    assert earlier and earlier["customer_code"] == PREVIOUS_HOLDER
    assert earlier["msisdn_held_on_receipt"] is True and earlier["full_name"] == "Seydou Sissoko"


def test_a_former_customer_is_found_with_the_period_they_held_the_number(
        stores: Stores) -> None:
    found = identify(stores, customer_code=PREVIOUS_HOLDER, msisdn=RECYCLED_MSISDN, as_of=NOW)
    holding = stores.holdings(PREVIOUS_HOLDER)[0]
    assert found and found["former_customer"] and not found["msisdn_held_on_receipt"]
    assert holding.held_until is not None
    assert found["msisdn_held_until"] == holding.held_until.isoformat().replace("+00:00", "Z")


def test_a_recycled_number_alone_finds_its_holder_and_former_holder_apart(
        stores: Stores) -> None:
    result = stores.send("crm", "identify", msisdn=RECYCLED_MSISDN, as_of=AFTER_RECYCLING)
    assert result["identity"]["customer_code"] == CURRENT_HOLDER
    assert not result["identity"]["former_customer"]
    assert [r["customer_code"] for r in result["former_holders"]] == [PREVIOUS_HOLDER]
    assert result["former_holders"][0]["msisdn_held_until"] is not None


def test_a_number_nobody_took_over_finds_only_its_former_holder(stores: Stores) -> None:
    number = next(p.msisdn for p in demo_subjects() if p.customer_code == FORMER_CUSTOMER)
    result = stores.send("crm", "identify", msisdn=number, as_of=NOW)
    assert result["identity"] is None
    assert [r["customer_code"] for r in result["former_holders"]] == [FORMER_CUSTOMER]


def test_a_customer_whose_contract_runs_is_no_former_holder_of_a_number_given_up(
        stores: Stores) -> None:
    given_up = next(h for h in stores.holdings("CM-100008") if h.held_until is not None)
    result = stores.send("crm", "identify", msisdn=given_up.msisdn, as_of=NOW)
    assert result["identity"] is None and result["former_holders"] == []
    by_code = identify(stores, customer_code="CM-100008", msisdn=given_up.msisdn, as_of=NOW)
    assert by_code and not by_code["former_customer"]


def test_no_match_is_an_answer_not_an_error(stores: Stores) -> None:
    assert identify(stores, msisdn="+22399999999", as_of=NOW) is None


def test_a_legal_entity_is_identified_as_one(stores: Stores) -> None:
    found = identify(stores, customer_code="CM-100009", msisdn="+22370004001", as_of=NOW)
    assert found and found["legal_entity"] and found["msisdn_held_on_receipt"]


def test_discovery_lists_every_msisdn_period_of_the_customer(stores: Stores) -> None:
    holdings = stores.holdings("CM-100008")
    assert len(holdings) == 3
    assert sum(h.held_until is None for h in holdings) == 2


def test_erasing_a_former_customer_anonymises_and_deletes(stores: Stores) -> None:
    result = outcomes_by(stores.send("crm", "erase", customer_code=PREVIOUS_HOLDER))
    row = customer(stores, PREVIOUS_HOLDER)
    assert result[("identification", "anonymise")]["records"] == 1
    assert row.anonymised and row.nina is None and row.date_of_birth is None
    assert "Sissoko" not in row.full_name
    assert result[("contact", "erase")]["records"] > 0
    assert count(stores, contact_points, PREVIOUS_HOLDER) == 0
    assert identify(stores, customer_code=PREVIOUS_HOLDER, as_of=NOW) is None


def test_a_running_contract_keeps_what_it_needs_but_marketing_goes(stores: Stores) -> None:
    result = outcomes_by(stores.send("crm", "erase", customer_code="CM-100001"))
    for category in ("identification", "contact", "products_services"):
        kept = result[(category, "retain")]
        assert kept["reason"] == "nécessaires à l'exécution du contrat en cours"
    assert result[("profiles_scores", "erase")]["records"] == 1
    assert count(stores, marketing_preferences, "CM-100001",
                 marketing_preferences.c.opted_in.is_(True)) == 0


def test_a_debt_keeps_identification_restricted(stores: Stores) -> None:
    result = outcomes_by(stores.send("crm", "erase", customer_code="CM-100011"))
    kept = result[("identification", "retain")]
    assert "recouvrement" in kept["reason"]
    assert customer(stores, "CM-100011").restricted
    assert count(stores, holds, "CM-100011") == 1


def test_restriction_flags_every_row_of_the_customer(stores: Stores) -> None:
    result = stores.send("crm", "restrict", customer_code="CM-100008")
    assert {o["action"] for o in result["outcomes"]} == {"restrict"}
    for table in SUBJECT_TABLES:
        if "restricted" in table.c:
            assert count(stores, table, "CM-100008", table.c.restricted.is_(False)) == 0
    stores.send("crm", "unrestrict", customer_code="CM-100008")
    assert not customer(stores, "CM-100008").restricted


def test_opt_out_stops_every_marketing_preference(stores: Stores) -> None:
    result = stores.send("crm", "opt_out", customer_code="CM-100002")
    assert result["outcomes"][0]["action"] == "opt_out"
    assert count(stores, marketing_preferences, "CM-100002",
                 marketing_preferences.c.opted_in.is_(True)) == 0


def test_the_crm_applies_the_corrections_fulfilment_let_through(stores: Stores) -> None:
    """Which identity value the document supports is fulfilment's decision
    (``services.fulfilment.proof``): the CRM applies what the signed command carries."""
    result = stores.send("crm", "rectify", customer_code="CM-100003",
                         corrections={"email": "f.coulibaly@example.ml",
                                      "surname": "Koulibaly"})
    assert outcomes_by(result)[("contact", "rectify")]["records"] == 1
    assert outcomes_by(result)[("identification", "rectify")]["records"] == 1
    row = customer(stores, "CM-100003")
    assert row.surname == "Koulibaly" and row.full_name == "Fatoumata Koulibaly"
    assert count(stores, contact_points, "CM-100003",
                 contact_points.c.value == "f.coulibaly@example.ml") == 1


def test_a_correction_key_outside_the_contract_never_reaches_the_crm() -> None:
    with pytest.raises(ValidationError, match="_document_supports"):
        StoreCommand(command_id="c-1", reference="DSR-2026-000001", store=Store.CRM,
                     action=StoreAction.RECTIFY, customer_code="CM-100003",
                     corrections={"surname": "Koulibaly", "_document_supports": "true"})


def test_the_same_command_id_acts_once(stores: Stores) -> None:
    first = stores.send("crm", "erase", command_id="DSR-2026-000042:erase:crm",
                        customer_code=PREVIOUS_HOLDER)
    again = stores.send("crm", "erase", command_id="DSR-2026-000042:erase:crm",
                        customer_code=PREVIOUS_HOLDER)
    assert again == first
    assert outcomes_by(first)[("identification", "anonymise")]["records"] == 1


def test_an_unknown_customer_or_action_is_answered_not_raised(stores: Stores) -> None:
    missing = stores.send("crm", "discover", customer_code="CM-999999")
    assert not missing["ok"] and "CM-999999" in missing["error"]
    unsupported = stores.send("billing", "identify", customer_code="CM-100001")
    assert not unsupported["ok"] and "identify" in unsupported["error"]
