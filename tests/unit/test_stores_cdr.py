"""The CDR store: holding periods bound everything, requisitions stay invisible, holds keep."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select

from services.rulebook.retention import Retention
from simulators.cdr.tables import cdr_events, holds
from simulators.population.demo import FORMER_HEAVY_USER, RECYCLED_MSISDN
from tests.unit.test_stores_support import NOW, Backend, Stores, outcomes_by, seeded_stores

PREVIOUS_HOLDER, CURRENT_HOLDER = "CM-100006", "CM-100007"
UNDER_REQUISITION, STOLEN_PHONE = "CM-100014", "CM-100013"


@pytest.fixture
def stores(tmp_path: Path, store_backend: Backend) -> Iterator[Stores]:
    seeded = seeded_stores(tmp_path, store_backend)
    yield seeded
    seeded.close()


def events_on(stores: Stores, msisdn: str, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(cdr_events).where(cdr_events.c.msisdn == msisdn)
    with stores.engine("cdr").connect() as db:
        return int(db.execute(query.where(*where)).scalar_one())


def usage_records(result: dict[str, Any]) -> int:
    return int(next(i["records"] for i in result["inventory"]
                    if i["category"] == "connection_usage"))


def test_the_previous_holder_never_sees_the_new_holders_events(stores: Stores) -> None:
    previous = stores.holdings(PREVIOUS_HOLDER)
    current = stores.holdings(CURRENT_HOLDER)
    assert previous[0].held_until is not None and previous[0].msisdn == RECYCLED_MSISDN
    cutoff = Retention(12, 10).traffic_cutoff(NOW)
    own = events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < previous[0].held_until,
                    cdr_events.c.started_at >= cutoff)
    outlived = events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < cutoff)
    total = events_on(stores, RECYCLED_MSISDN)

    found_previous = usage_records(stores.send("cdr", "discover", holdings=previous))
    found_current = usage_records(stores.send("cdr", "discover", holdings=current))

    assert 0 < own < total and outlived > 0
    assert found_previous == own
    assert found_previous + found_current + outlived == total


def test_the_previous_holders_export_holds_only_their_own_period_under_retention(
        stores: Stores) -> None:
    previous = stores.holdings(PREVIOUS_HOLDER)
    result = stores.send("cdr", "export", holdings=previous)
    until = previous[0].held_until
    assert until is not None
    cutoff = Retention(12, 10).traffic_cutoff(NOW).isoformat()
    lines = [json.loads(line) for line in stores.read_export(result["export_ref"]).splitlines()]
    moments = [line["record"]["started_at"] for line in lines]
    assert moments and all(cutoff <= m < until.isoformat() for m in moments)


def test_a_number_given_up_discloses_no_traffic_past_its_retention(stores: Stores) -> None:
    """Rulebook §5: once the number has gone with its contract, only the legal retention
    keeps its traffic; older events are never shown, and an erasure deletes them."""
    holdings = stores.holdings(FORMER_HEAVY_USER)
    (holding,) = holdings
    cutoff = Retention(12, 10).traffic_cutoff(NOW)
    outlived = events_on(stores, holding.msisdn, cdr_events.c.started_at < cutoff)
    recent = events_on(stores, holding.msisdn, cdr_events.c.started_at >= cutoff)
    assert holding.held_until is not None and holding.held_from < cutoff
    assert outlived > 0 and recent > 0

    found = stores.send("cdr", "discover", holdings=holdings)
    exported = stores.send("cdr", "export", holdings=holdings)
    erased = outcomes_by(stores.send("cdr", "erase", holdings=holdings))

    assert usage_records(found) == recent
    assert all(item["first_at"] >= cutoff.isoformat() for item in found["inventory"])
    lines = [json.loads(line) for line in stores.read_export(exported["export_ref"])
             .splitlines()]
    assert sum(line["category"] == "connection_usage" for line in lines) == recent
    assert all(line["record"]["started_at"] >= cutoff.isoformat() for line in lines)
    assert erased[("connection_usage", "erase")]["records"] == outlived
    assert erased[("connection_usage", "retain")]["records"] == recent
    assert events_on(stores, holding.msisdn, cdr_events.c.started_at < cutoff) == 0


def test_a_number_still_held_discloses_all_its_traffic(stores: Stores) -> None:
    holdings = stores.holdings("CM-100001")
    assert holdings[0].held_until is None
    assert usage_records(stores.send("cdr", "discover", holdings=holdings)) == events_on(
        stores, holdings[0].msisdn)


def test_a_requisition_is_only_ever_an_opaque_legal_obligation(stores: Stores) -> None:
    with stores.engine("cdr").connect() as db:
        order = db.execute(select(holds.c.reference).where(holds.c.kind == "requisition")
                           ).scalars().all()
    assert order, "the population must hold a requisition"
    holdings = stores.holdings(UNDER_REQUISITION)
    discovered = stores.send("cdr", "discover", holdings=holdings)
    exported = stores.send("cdr", "export", holdings=holdings)
    stores.send("cdr", "restrict", holdings=holdings)
    erased = stores.send("cdr", "erase", holdings=holdings)

    kinds = {h["kind"] for item in discovered["inventory"] for h in item["holds"]}
    assert "legal_obligation" in kinds
    assert outcomes_by(erased)[("connection_usage", "retain")]["reason"] == (
        "conservées au titre d'une obligation légale")
    written = [*(body.decode() for body in stores.bodies),
               stores.read_export(exported["export_ref"])]
    for text in written:
        assert "requisition" not in text.lower() and "réquisition" not in text.lower()
        assert not any(reference in text for reference in order)


def test_erasure_keeps_recent_traffic_with_its_reason_and_deletes_the_rest(
        stores: Stores) -> None:
    previous = stores.holdings(PREVIOUS_HOLDER)
    until = previous[0].held_until
    assert until is not None
    cutoff = Retention(12, 10).traffic_cutoff(NOW)
    recent = events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < until,
                       cdr_events.c.started_at >= cutoff)
    old = events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < cutoff)
    others = events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at >= until)

    result = outcomes_by(stores.send("cdr", "erase", holdings=previous))

    kept = result[("connection_usage", "retain")]
    assert kept["records"] == recent > 0
    assert "12 mois" in kept["reason"]
    assert kept["kept_until"] <= (until + timedelta(days=366)).date().isoformat()
    assert result[("connection_usage", "erase")]["records"] == old > 0
    assert events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < until,
                     cdr_events.c.restricted.is_(False)) == 0
    assert events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at < cutoff) == 0
    assert events_on(stores, RECYCLED_MSISDN, cdr_events.c.started_at >= until,
                     cdr_events.c.restricted.is_(False)) == others


def test_a_stolen_device_keeps_its_imei_under_the_block(stores: Stores) -> None:
    result = stores.send("cdr", "erase", holdings=stores.holdings(STOLEN_PHONE))
    blocked = [o for o in result["outcomes"]
               if o["category"] == "device" and o["action"] == "retain" and "volé" in o["reason"]]
    assert len(blocked) == 1 and blocked[0]["records"] > 0
    anonymised = outcomes_by(result)[("connection_usage", "anonymise")]
    assert anonymised["records"] == blocked[0]["records"]


def test_restriction_flags_every_event_of_the_holdings_and_lifting_clears_it(
        stores: Stores) -> None:
    holdings = stores.holdings("CM-100008")
    msisdns = [h.msisdn for h in holdings]
    restricted = stores.send("cdr", "restrict", holdings=holdings)
    counts = outcomes_by(restricted)
    flagged = sum(events_on(stores, m, cdr_events.c.restricted.is_(True)) for m in msisdns)
    assert flagged == counts[("connection_usage", "restrict")]["records"] > 0
    assert sum(events_on(stores, m, cdr_events.c.restricted.is_(False)) for m in msisdns) == 0
    stores.send("cdr", "unrestrict", holdings=holdings)
    assert sum(events_on(stores, m, cdr_events.c.restricted.is_(True)) for m in msisdns) == 0


def test_the_export_masks_every_counterpart(stores: Stores) -> None:
    holdings = stores.holdings("CM-100001")
    result = stores.send("cdr", "export", holdings=holdings)
    text = stores.read_export(result["export_ref"])
    with stores.engine("cdr").connect() as db:
        raw = set(db.execute(select(cdr_events.c.counterpart).where(
            cdr_events.c.msisdn == holdings[0].msisdn, cdr_events.c.counterpart.is_not(None))
        ).scalars())
    shown = [json.loads(line)["record"].get("counterpart") for line in text.splitlines()]
    shown = [value for value in shown if value]
    assert raw and shown
    assert all(re.fullmatch(r"\+223\d{2}\*{4}\d{2}", value) for value in shown)
    assert not any(number in text for number in raw)
    assert result["export_ref"] == f"exports/{result['reference']}/cdr.jsonl"


def test_the_same_command_id_acts_once(stores: Stores) -> None:
    holdings = stores.holdings(PREVIOUS_HOLDER)
    first = stores.send("cdr", "erase", command_id="DSR-2026-000042:erase:cdr",
                        holdings=holdings)
    again = stores.send("cdr", "erase", command_id="DSR-2026-000042:erase:cdr",
                        holdings=holdings)
    fresh = stores.send("cdr", "erase", holdings=holdings)
    assert again == first
    assert outcomes_by(first)[("connection_usage", "erase")]["records"] > 0
    assert ("connection_usage", "erase") not in outcomes_by(fresh)


def test_usage_records_are_not_rectified_the_disputed_events_are_restricted(
        stores: Stores) -> None:
    holdings = stores.holdings("CM-100001")
    msisdns = [h.msisdn for h in holdings]
    contact_only = stores.send("cdr", "rectify", holdings=holdings,
                               corrections={"email": "a@example.ml"})
    assert contact_only["ok"] and contact_only["outcomes"] == []
    result = stores.send("cdr", "rectify", holdings=holdings,
                         corrections={"counterpart": "+22370000000"},
                         statement="Je n'ai jamais appelé ce numéro.")
    restricted = outcomes_by(result)[("connection_usage", "restrict")]
    assert "litige" in restricted["reason"] and "déclaration" in restricted["reason"]
    flagged = sum(events_on(stores, m, cdr_events.c.restricted.is_(True)) for m in msisdns)
    assert flagged == restricted["records"] > 0
