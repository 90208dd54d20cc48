"""Decisions carried out by the stores: objection per purpose, usage disputes, and the
configured retention periods changing what is kept and why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from contracts.vocabulary import Purpose
from services.rulebook.retention import Retention
from simulators.billing.tables import consumption, disputes
from simulators.cdr.tables import cdr_events
from simulators.crm.tables import marketing_preferences
from tests.unit.test_stores_support import NOW, Backend, Stores, outcomes_by, seeded_stores

P = Purpose


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=10)
    yield seeded
    seeded.close()


def stopped(stores: Stores, code: str) -> set[str]:
    t = marketing_preferences
    with stores.engine("crm").connect() as db:
        return set(db.execute(select(t.c.purpose).where(
            t.c.customer_code == code, t.c.opted_in.is_(False))).scalars())


def test_objection_is_decided_per_purpose(stores: Stores) -> None:
    before = stopped(stores, "CM-100002")
    result = stores.send("crm", "opt_out", customer_code="CM-100002",
                         purposes=[P.TOMBOLAS, P.USAGE_ANALYTICS, P.FRAUD_PREVENTION,
                                   P.CONTRACT_PERFORMANCE])
    by = {(o["category"], o["action"]): o for o in result["outcomes"]}
    assert "jeux et tombolas" in by[("profiles_scores", "opt_out")]["reason"]
    assert "analyses d'usage" in by[("connection_usage", "opt_out")]["reason"]
    assert "prévalent" in by[("connection_usage", "refuse")]["reason"]
    assert "résilier" in by[("products_services", "refuse")]["reason"]
    after = stopped(stores, "CM-100002")
    assert after - before == {"tombola", "tombolas", "usage_analytics"} - before
    assert {"tombola", "tombolas", "usage_analytics"} <= after


def test_an_objection_without_purpose_stops_every_marketing_purpose(stores: Stores) -> None:
    result = stores.send("crm", "opt_out", customer_code="CM-100003")
    assert {o["action"] for o in result["outcomes"]} == {"opt_out"}
    assert {"direct_marketing", "surveys", "tombola", "commercial_events",
            "marketing_profiling"} <= stopped(stores, "CM-100003")
    again = stores.send("crm", "opt_out", customer_code="CM-100003")
    assert again["ok"]


def test_a_usage_correction_opens_a_dispute_with_the_statement(stores: Stores) -> None:
    result = stores.send("billing", "rectify", customer_code="CM-100001",
                         corrections={"consumption": "2026-10", "calls": "2026-10-03"},
                         statement="Ces appels ne sont pas de moi.")
    restricted = outcomes_by(result)[("economic_financial", "restrict")]
    assert "litige" in restricted["reason"] and restricted["records"] > 0
    with stores.engine("billing").connect() as db:
        opened = db.execute(select(disputes).where(disputes.c.account_no == "AC-100001")).all()
        free = db.execute(select(func.count()).select_from(consumption).where(
            consumption.c.account_no == "AC-100001",
            consumption.c.restricted.is_(False))).scalar_one()
    assert [(d.status, d.statement) for d in opened] == [
        ("open", "Ces appels ne sont pas de moi.")]
    assert "consumption" in opened[0].items and "calls" in opened[0].items
    assert free == 0
    holds = stores.send("billing", "discover", customer_code="CM-100001")["inventory"]
    assert any(h["kind"] == "litigation" for i in holds for h in i["holds"])


def test_a_contact_correction_opens_no_dispute(stores: Stores) -> None:
    result = stores.send("billing", "rectify", customer_code="CM-100001",
                         corrections={"email": "a@example.ml"})
    assert result["outcomes"] == []
    with stores.engine("billing").connect() as db:
        assert db.execute(select(disputes).where(disputes.c.account_no == "AC-100001")
                          ).first() is None


@pytest.fixture
def short_retention(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend, subscribers=4, cdr_per_subscriber=10,
                           traffic_retention_months=3, accounting_retention_years=2)
    yield seeded
    seeded.close()


def test_a_shorter_traffic_retention_keeps_less_and_says_so(short_retention: Stores) -> None:
    stores = short_retention
    holdings = stores.holdings("CM-100001")
    cutoff = Retention(3, 2).traffic_cutoff(NOW)
    with stores.engine("cdr").connect() as db:
        recent = sum(db.execute(select(func.count()).select_from(cdr_events).where(
            cdr_events.c.msisdn == h.msisdn, cdr_events.c.started_at >= max(cutoff, h.held_from),
        )).scalar_one() for h in holdings)
    result = outcomes_by(stores.send("cdr", "erase", holdings=holdings))
    kept = result[("connection_usage", "retain")]
    assert 0 < recent == kept["records"]
    assert "3 mois" in kept["reason"]
    assert result[("connection_usage", "erase")]["records"] > 0
    inventory = stores.send("cdr", "discover", holdings=holdings)
    assert all(i["retention"].startswith("3 mois") for i in inventory["inventory"])


def test_a_shorter_accounting_retention_changes_the_term_and_reason(
        short_retention: Stores) -> None:
    result = outcomes_by(short_retention.send("billing", "erase", customer_code="CM-100006"))
    kept = result[("economic_financial", "retain")]
    erased = result[("economic_financial", "erase")]["records"]
    assert erased > 0
    inventory = short_retention.send("billing", "discover", customer_code="CM-100001")
    economic = next(i for i in inventory["inventory"] if i["category"] == "economic_financial")
    assert "2 ans" in economic["retention"]
    assert "2 ans" in kept["reason"]
    assert int(kept["kept_until"][:4]) <= NOW.year + 2
