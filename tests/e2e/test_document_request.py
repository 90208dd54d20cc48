"""Rulebook §3.3: a missing identity document is asked for at once by SMS *and* letter.

Before identity is verified nothing goes to a contact the CRM holds or the requester quoted: a
postal request's letter goes back to the letter's return address (as a PDF for the post); the
SMS, and a call-centre request's letter, are held for the call centre, which reads them to the
caller.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from contracts.vocabulary import Channel, Right
from services.bootstrap import App
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import request_rows, states, submit
from tests.support.intakes import intake
from tests.support.subjects import SUBJECTS, seeded

RETURN_ADDRESS = ["Moussa Keïta", "Rue 305, porte 12, Badalabougou", "Bamako"]


def document_requests(app: App, reference: str) -> dict[str, Any]:
    t = outbound_messages.c
    with app.engine("notification").connect() as db:
        rows = db.execute(select(outbound_messages).where(
            t.reference == reference, t.kind == "document_requested")).all()
    return {row.medium: row for row in rows}


def ask_without_document(start: HarnessFactory, channel: Channel) -> tuple[App, str,
                                                                            dict[str, Any]]:
    plan = SUBJECTS["CM-100002"]
    event = intake(Right.ACCESS, plan.msisdn, plan.full_name, channel_reference="no-document")
    postal = {"return_address": RETURN_ADDRESS} if channel is Channel.POSTAL else {}
    event = event.model_copy(update={"data": {**event.data, "channel": channel.value,
                                              **postal}})
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, event)
        harness.wait_until(lambda app: states(app) == {"no-document": "document_requested"})
        reference = request_rows(harness.app)[0]["reference"]
        harness.wait_until(lambda app: len(document_requests(app, reference)) == 2)
        return harness.app, reference, document_requests(harness.app, reference)


def test_a_call_centre_request_without_a_document_gets_an_sms_and_a_letter_held_for_7400(
        start: HarnessFactory) -> None:
    _, reference, sent = ask_without_document(start, Channel.CALLCENTRE)
    sms, letter = sent["sms"], sent["letter"]
    assert sms.recipient == letter.recipient == f"7400:{reference}"  # held, not sent or posted
    assert letter.document is None
    assert reference in letter.body and "pièce d'identité" in letter.body
    assert "passeport" in letter.body and "B.P. E 3991" in letter.body
    assert "Madame, Monsieur" in letter.body


def test_a_postal_request_without_a_document_gets_a_pdf_letter_to_its_return_address(
        start: HarnessFactory) -> None:
    app, reference, sent = ask_without_document(start, Channel.POSTAL)
    letter = sent["letter"]
    assert letter.recipient == "courrier:" + " / ".join(RETURN_ADDRESS)  # its return address
    assert letter.document == f"post/{reference}/document_requested.pdf"
    pdf = (app.settings.data_dir / letter.document).read_bytes()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())
    assert reference in text and "identit" in text and "passeport" in text
