"""Former customers exercise their rights on what is still kept (rulebook §3.2, §4, §5).

A former customer no longer holds a number on the receipt date: they are identified by their
document against their own CRM record and a number they held until their contract ended. A
recycled number never makes them its new holder, nor the new holder them; what is disclosed
or erased is their own records, and of the number's traffic only their period under the
legal retention (accounting is kept 10 years, traffic 12 months).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, select

from contracts.backoffice import Holding
from contracts.vocabulary import Right
from services.access_package.builder import package_directory
from services.access_package.opening import open_package
from services.identity.tables import verifications
from services.notification.tables import outbound_messages
from services.rulebook.retention import Retention
from services.workers import ALL
from simulators.billing.tables import accounts, consumption, invoices, payments
from simulators.cdr.tables import cdr_events
from simulators.crm.tables import SUBJECT_TABLES, customers, subscriptions
from simulators.population.demo import (
    FORMER_CUSTOMER,
    FORMER_HEAVY_USER,
    RECYCLED_MSISDN,
)
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, request_rows, states, submit
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, request_for, seeded

PREVIOUS_HOLDER, NEW_HOLDER = "CM-100006", "CM-100007"
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def reference_of(app: App, channel_reference: str) -> str:
    return next(str(r["reference"]) for r in request_rows(app)
                if r["channel_reference"] == channel_reference)


def verified_code(app: App, reference: str) -> str | None:
    with app.engine("identity").connect() as db:
        row = db.execute(select(verifications).where(
            verifications.c.reference == reference)).one()
    return str(row.customer_code) if row.outcome == "verified" else None


def holding_of(app: App, code: str) -> Holding:
    with app.engine("crm").connect() as db:
        (row,) = db.execute(select(subscriptions).where(subscriptions.c.customer_code == code))
    return Holding(msisdn=row.msisdn, held_from=row.held_from, held_until=row.held_until)


def cutoff(app: App) -> datetime:
    return Retention.of(app.settings).traffic_cutoff(app.clock.now())


def events(app: App, msisdn: str, *where: Any) -> int:
    query = select(func.count()).select_from(cdr_events).where(cdr_events.c.msisdn == msisdn)
    with app.engine("cdr").connect() as db:
        return int(db.execute(query.where(*where)).scalar_one())


def package(app: App, reference: str) -> dict[str, Any]:
    """The access package as the desk opens it with the code the customer was given."""
    with app.engine("notification").connect() as db:
        (sms,) = db.execute(select(outbound_messages).where(
            outbound_messages.c.reference == reference,
            outbound_messages.c.kind == "package_code"))
    found = CODE.search(sms.body)
    assert found, sms.body
    desk = app.settings.data_dir / f"desk-{reference}"
    open_package(package_directory(app.settings.data_dir, reference), found[0], desk,
                 app.clock.now())
    document: dict[str, Any] = json.loads((desk / "package.json").read_text())
    return document


def records(document: dict[str, Any], category: str) -> list[dict[str, Any]]:
    return [line["record"] for c in document["categories"] if c["category"] == category
            for line in c["records"]]


def outcomes(app: App, reference: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    row = next(r for r in request_rows(app) if r["reference"] == reference)
    return {(o["store"], o["category"], o["action"]): o for o in row["outcomes"] or []}


def test_a_former_customer_gets_access_to_what_is_kept_then_its_erasure(
        start: HarnessFactory) -> None:
    """CM-100016's contract ended 150 days ago and nobody has their number since."""
    plan = SUBJECTS[FORMER_CUSTOMER]
    with start(ALL) as harness:
        seeded(harness)
        app = harness.app
        submit(harness, request_for(FORMER_CUSTOMER, Right.ACCESS, "former-access"))
        harness.wait_until(lambda app: states(app) == {"former-access": "completed"},
                           timeout_s=120)
        access = reference_of(app, "former-access")
        document = package(app, access)
        held, since = holding_of(app, FORMER_CUSTOMER), cutoff(app)
        assert held.held_until is not None
        recent = events(app, plan.msisdn, cdr_events.c.started_at >= since)
        assert events(app, plan.msisdn, cdr_events.c.started_at < since) > 0

        submit(harness, request_for(FORMER_CUSTOMER, Right.ERASURE, "former-erase"))
        harness.wait_until(lambda app: states(app) == {"former-access": "completed",
                                                       "former-erase": "completed"},
                           timeout_s=120)
        erasure = reference_of(app, "former-erase")
        done = outcomes(app, erasure)
        sent = sms_sent(app, erasure)
        with app.engine("crm").connect() as db:
            customer = db.execute(select(customers).where(
                customers.c.customer_code == FORMER_CUSTOMER)).one()
        left_old = events(app, plan.msisdn, cdr_events.c.started_at < since)
        left_free = events(app, plan.msisdn, cdr_events.c.restricted.is_(False))
        assert verified_code(app, access) == verified_code(app, erasure) == FORMER_CUSTOMER

    (identification,) = records(document, "identification")
    assert identification["full_name"] == plan.full_name
    assert records(document, "economic_financial"), "accounting is kept 10 years"
    usage = records(document, "connection_usage")
    assert len(usage) == recent > 0
    assert all(since.isoformat() <= r["started_at"] < held.held_until.isoformat()
               for r in usage)

    assert done[("crm", "identification", "anonymise")]["records"] == 1
    assert customer.anonymised and plan.full_name not in customer.full_name
    kept_accounts = done[("billing", "economic_financial", "retain")]
    assert "OHADA" in kept_accounts["reason"] and kept_accounts["kept_until"]
    kept_traffic = done[("cdr", "connection_usage", "retain")]
    assert kept_traffic["records"] == recent and "12 mois" in kept_traffic["reason"]
    assert left_old == 0 and left_free == 0
    # nothing reaches the number given: before verification nothing does, and once discovery
    # shows the number is no longer the subject's, nothing after either
    assert sent == {"acknowledgement": f"7400:{erasure}", "outcome": f"7400:{erasure}"}


def test_a_recycled_number_with_the_former_holders_document_gives_only_their_data(
        start: HarnessFactory) -> None:
    """CM-100006 quotes the number CM-100007 holds now, with their own NINA card and no
    customer code: they get their own records and their own period of the number's traffic,
    nothing of the new holder's."""
    new_holder = SUBJECTS[NEW_HOLDER]
    with start(ALL) as harness:
        seeded(harness)
        app = harness.app
        submit(harness, request_for(PREVIOUS_HOLDER, Right.ACCESS, "recycled-access"))
        harness.wait_until(lambda app: states(app) == {"recycled-access": "completed"},
                           timeout_s=120)
        reference = reference_of(app, "recycled-access")
        document = package(app, reference)
        sent = sms_sent(app, reference)
        mine, theirs = holding_of(app, PREVIOUS_HOLDER), holding_of(app, NEW_HOLDER)
        since = cutoff(app)
        recent = events(app, RECYCLED_MSISDN, cdr_events.c.started_at >= since,
                        cdr_events.c.started_at < mine.held_until)
        assert verified_code(app, reference) == PREVIOUS_HOLDER

    assert mine.held_until is not None and mine.held_until < theirs.held_from
    (identification,) = records(document, "identification")
    assert identification["customer_code"] == PREVIOUS_HOLDER
    usage = records(document, "connection_usage")
    assert len(usage) == recent > 0
    assert all(r["started_at"] < mine.held_until.isoformat() for r in usage)
    billed = {r["account_no"] for r in records(document, "economic_financial")}
    assert billed == {"AC-100006"}
    text = json.dumps(document, ensure_ascii=False)
    for trace in (NEW_HOLDER, "AC-100007", new_holder.full_name, new_holder.nina or "?"):
        assert trace not in text
    # Nothing of the request reaches the number: before verification nothing does, and once
    # it is known to be someone else's now, the package code and the outcome are held too.
    assert sent == {"acknowledgement": f"7400:{reference}", "package_code": f"7400:{reference}",
                    "outcome": f"7400:{reference}"}


def sms_sent(app: App, reference: str) -> dict[str, str]:
    with app.engine("notification").connect() as db:
        rows = db.execute(select(outbound_messages).where(
            outbound_messages.c.reference == reference, outbound_messages.c.medium == "sms"))
        return {row.kind: row.recipient for row in rows}


def test_the_former_holder_of_a_recycled_number_is_themselves_by_code_or_by_number(
        start: HarnessFactory) -> None:
    """Their own document verifies them on either; someone else's is rejected on the number
    and no check names either holder's data."""
    stranger = SUBJECTS["CM-100001"]
    impostor = nina_card(stranger.full_name, stranger.nina or "", stranger.date_of_birth)
    with start(ALL) as harness:
        seeded(harness)
        app = harness.app
        submit(harness, request_for(PREVIOUS_HOLDER, Right.ACCESS, "r-with-code",
                                    with_code=True))
        submit(harness, request_for(PREVIOUS_HOLDER, Right.ACCESS, "r-number-only"))
        submit(harness, intake(Right.ACCESS, RECYCLED_MSISDN, stranger.full_name, impostor,
                               channel_reference="r-impostor"))
        harness.wait_until(lambda app: states(app) == {
            "r-with-code": "completed", "r-number-only": "completed", "r-impostor": "closed"},
            timeout_s=120)
        codes = {ref: verified_code(app, reference_of(app, ref))
                 for ref in ("r-with-code", "r-number-only", "r-impostor")}
        with app.engine("identity").connect() as db:
            rows = list(db.execute(select(verifications)))
    assert codes == {"r-with-code": PREVIOUS_HOLDER, "r-number-only": PREVIOUS_HOLDER,
                     "r-impostor": None}
    assert all(row.pending_claim is None for row in rows)
    notes = " ".join(c["note"] or "" for row in rows for c in row.checks)
    for name in ("Konaté", "Awa", "Sissoko", "Seydou"):
        assert name not in notes


def test_the_former_holders_erasure_leaves_the_new_holders_data_untouched(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        app = harness.app
        before = new_holders_data(app)
        submit(harness, request_for(PREVIOUS_HOLDER, Right.ERASURE, "recycled-erase"))
        harness.wait_until(lambda app: states(app) == {"recycled-erase": "completed"},
                           timeout_s=120)
        reference = reference_of(app, "recycled-erase")
        after = new_holders_data(app)
        assert verified_code(app, reference) == PREVIOUS_HOLDER
        with app.engine("crm").connect() as db:
            previous = db.execute(select(customers).where(
                customers.c.customer_code == PREVIOUS_HOLDER)).one()
    assert previous.anonymised
    assert after == before
    assert before["cdr"] and before["crm.customers"] and before["billing.invoices"]


def new_holders_data(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the stores hold of CM-100007, restriction flags included."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app.engine("crm").connect() as db:
        for table in SUBJECT_TABLES:
            found[f"crm.{table.name}"] = _rows(db, table, table.c.customer_code == NEW_HOLDER)
    with app.engine("billing").connect() as db:
        account = accounts.c.account_no == "AC-100007"
        found["billing.accounts"] = _rows(db, accounts, account)
        for table in (invoices, consumption, payments):
            found[f"billing.{table.name}"] = _rows(db, table, table.c.account_no == "AC-100007")
    theirs = holding_of(app, NEW_HOLDER)
    with app.engine("cdr").connect() as db:
        found["cdr"] = _rows(db, cdr_events, cdr_events.c.msisdn == theirs.msisdn,
                             cdr_events.c.started_at >= theirs.held_from)
    return found


def _rows(db: Any, table: Table, *where: Any) -> list[tuple[Any, ...]]:
    key = table.primary_key.columns.values()
    return [tuple(row) for row in db.execute(select(table).where(*where).order_by(*key))]


def test_a_former_heavy_users_traffic_past_its_retention_is_never_disclosed(
        start: HarnessFactory) -> None:
    """CM-100017 used their number heavily for years until 60 days ago: what is older than
    the 12-month retention of traffic is neither shown nor kept after their erasure."""
    plan = SUBJECTS[FORMER_HEAVY_USER]
    with start(ALL) as harness:
        seeded(harness)
        app = harness.app
        since = cutoff(app)
        outlived = events(app, plan.msisdn, cdr_events.c.started_at < since)
        recent = events(app, plan.msisdn, cdr_events.c.started_at >= since)
        submit(harness, request_for(FORMER_HEAVY_USER, Right.ACCESS, "heavy-access",
                                    with_code=True))
        harness.wait_until(lambda app: states(app) == {"heavy-access": "completed"},
                           timeout_s=120)
        document = package(app, reference_of(app, "heavy-access"))
        submit(harness, request_for(FORMER_HEAVY_USER, Right.ERASURE, "heavy-erase",
                                    with_code=True))
        harness.wait_until(lambda app: states(app) == {"heavy-access": "completed",
                                                       "heavy-erase": "completed"},
                           timeout_s=120)
        done = outcomes(app, reference_of(app, "heavy-erase"))
        left_old = events(app, plan.msisdn, cdr_events.c.started_at < since)
    assert outlived > 0 and recent > 0
    for category in ("connection_usage", "location"):
        shown = records(document, category)
        assert shown and all(r["started_at"] >= since.isoformat() for r in shown)
    assert len(records(document, "connection_usage")) == recent
    assert done[("cdr", "connection_usage", "erase")]["records"] == outlived
    assert done[("cdr", "connection_usage", "retain")]["records"] == recent
    assert left_old == 0
