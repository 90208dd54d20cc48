"""Rulebook §6, erasure: while the contract runs, the data it needs stays; the answer says
what was kept for that reason and offers termination. A former customer (CM-100006, contract
terminated, number since recycled) is not offered it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from contracts.vocabulary import Right
from services.bootstrap import App
from services.notification.tables import outbound_messages
from services.workers import ALL
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import states, submit
from tests.support.subjects import request_for, seeded

POLICY_ADDRESS = "Immeuble Orange, Hamdallaye ACI 2000, B.P. : E 3991-Bamako-Mali"


def answers(app: App) -> dict[str, Any]:
    t = outbound_messages.c
    with app.engine("notification").connect() as db:
        rows = db.execute(select(outbound_messages).where(t.kind == "outcome")).all()
    return {row.medium: row.body for row in rows}


def test_erasure_under_a_running_contract_says_what_was_kept_and_offers_termination(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100001", Right.ERASURE, "erase-active"))
        harness.wait_until(lambda app: states(app) == {"erase-active": "completed"})
        sent = answers(harness.app)
    letter, sms = sent["letter"], sent["sms"]
    kept = letter.split("Votre contrat est en cours")[1].split("(résiliation)")[0]
    assert "données d'identification" in kept and "données de contact" in kept
    assert "données de localisation" not in kept  # traffic is kept by law, not the contract
    assert "résiliation" in letter and "7400" in letter and POLICY_ADDRESS in letter
    assert "résiliation au 7400" in sms


def test_a_former_customers_erasure_letter_does_not_offer_termination(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        seeded(harness)
        submit(harness, request_for("CM-100006", Right.ERASURE, "erase-former"))
        harness.wait_until(lambda app: states(app) == {"erase-former": "completed"})
        sent = answers(harness.app)
    letter, sms = sent["letter"], sent["sms"]
    assert "supprimées" in letter or "anonymisées" in letter
    assert "résiliation" not in letter and "contrat est en cours" not in letter
    assert "résiliation" not in sms
