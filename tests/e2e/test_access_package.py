"""An access request ends with a sealed package the customer opens with the code sent by SMS;
a postal request also gets its letters, and its package, as PDF."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select, text

from contracts.fulfilment import CategoryOutcome, FulfilmentCompleted
from contracts.vocabulary import Action, Category, Right, Store
from services.access_package.builder import package_directory
from services.access_package.opening import open_package
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, final_count, publish, request_rows, submit
from tests.support.subjects import SUBJECTS, request_for, seeded

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def outbound(app: App, reference: str) -> list[Any]:
    with app.engine("notification").connect() as conn:
        return list(conn.execute(select(outbound_messages).where(
            outbound_messages.c.reference == reference).order_by(outbound_messages.c.id)))


def handled(app: App, event_id: str) -> bool:
    with app.engine("notification").connect() as conn:
        return conn.execute(text("SELECT 1 FROM inbox WHERE message_id = :id"),
                            {"id": event_id}).first() is not None


def sent_code(app: App, reference: str) -> str:
    (sms,) = [m for m in outbound(app, reference) if m.kind == "package_code"]
    assert sms.medium == "sms" and sms.recipient == SUBJECTS["CM-100001"].msisdn
    found = CODE.search(sms.body)
    assert found, sms.body
    return found[0]


def test_the_customer_opens_the_package_with_the_code_sent_by_sms(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ACCESS, "r-access"))
        harness.wait_until(lambda app: final_count(app) == 1, timeout_s=120)
        app = harness.app
        reference = request_rows(app)[0]["reference"]
        code = sent_code(app, reference)
        letter = next(m for m in outbound(app, reference)
                      if m.kind == "outcome" and m.medium == "letter")
        data_dir = app.settings.data_dir
        directory = package_directory(data_dir, reference)
        manifest = (directory / "manifest.json").read_text()

        # a redelivered (or republished) completion: no new package, no second code
        again = publish(harness, FulfilmentCompleted(
            reference=reference, right=Right.ACCESS, package_ref=f"exports/{reference}",
            outcomes=[CategoryOutcome(store=Store.CRM, category=Category.IDENTIFICATION,
                                      action=Action.EXPORT, records=1)]), subject=reference)
        harness.wait_until(lambda app: handled(app, again.id))
        kinds = [(m.kind, m.medium) for m in outbound(app, reference)]
        assert kinds.count(("package_code", "sms")) == 1
        assert (directory / "manifest.json").read_text() == manifest

    assert "jusqu'au" in letter.body and "dossier protégé" in letter.body
    assert letter.document is None  # a call-centre request: no postal PDF
    assert not (data_dir / "exports" / reference).exists(), "plaintext exports left behind"
    written = open_package(directory, code, data_dir / "desk", app.clock.now())
    document = json.loads((data_dir / "desk" / "package.json").read_text())
    assert {p.name for p in written} == {"package.json", "package.html"}
    assert document["reference"] == reference
    categories = {c["category"]: c for c in document["categories"]}
    assert {"identification", "connection_usage", "economic_financial"} <= set(categories)
    identification = categories["identification"]["records"][0]["record"]
    assert identification["full_name"] == SUBJECTS["CM-100001"].full_name


def test_a_postal_request_gets_pdf_letters_and_a_pdf_in_its_package(
        start: HarnessFactory) -> None:
    event = request_for("CM-100001", Right.ACCESS, "letter-2026-0042")
    event = event.model_copy(update={"data": {**event.data, "channel": "postal"}})
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, event)
        harness.wait_until(lambda app: final_count(app) == 1, timeout_s=120)
        app = harness.app
        reference = request_rows(app)[0]["reference"]
        code = sent_code(app, reference)
        letter = next(m for m in outbound(app, reference)
                      if m.kind == "outcome" and m.medium == "letter")
    data_dir = app.settings.data_dir
    assert letter.document == f"post/{reference}/outcome.pdf"
    pdf = (data_dir / letter.document).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())
    assert reference in text and "APDP" in text and "dossier protégé" in text
    written = open_package(package_directory(data_dir, reference), code, data_dir / "desk",
                           app.clock.now())
    assert {p.name for p in written} == {"package.json", "package.html", "package.pdf"}
    assert (data_dir / "desk" / "package.pdf").read_bytes().startswith(b"%PDF")


def test_partners_and_sub_processors_are_told_of_an_erasure_once(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100003", Right.ERASURE, "r-erase"))
        submit(harness, request_for("CM-100005", Right.RESTRICTION, "r-restrict",
                                    categories=[Category.PROFILES_SCORES]))
        harness.wait_until(lambda app: final_count(app) == 2, timeout_s=120)
        app = harness.app
        rows = {r["channel_reference"]: r["reference"] for r in request_rows(app)}
        erase, restrict = rows["r-erase"], rows["r-restrict"]
        again = publish(harness, FulfilmentCompleted(
            reference=erase, right=Right.ERASURE,
            outcomes=[CategoryOutcome(store=Store.CRM, category=Category.CONTACT,
                                      action=Action.ERASE, records=1)]), subject=erase)
        harness.wait_until(lambda app: handled(app, again.id))
        erased = [m for m in outbound(app, erase) if m.kind == "recipient_notice"]
        restricted = [m for m in outbound(app, restrict) if m.kind == "recipient_notice"]
    assert sorted(m.recipient for m in erased) == ["destinataire:partenaires",
                                                   "destinataire:sous-traitants"]
    assert all(m.medium == "email" and erase in m.body and "supprimées" in m.body
               for m in erased)
    # profiles and scores go to sub-processors only
    assert [m.recipient for m in restricted] == ["destinataire:sous-traitants"]
    assert "limitées" in restricted[0].body
