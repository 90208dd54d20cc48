"""Objection by purpose (rulebook §6): marketing opted out at once, analytics stopped by
default, fraud prevention refused with the reason, contract processing not applicable; an
unknown purpose is rejected at intake with the reason."""

from __future__ import annotations

import json

from sqlalchemy import select

from contracts.vocabulary import Purpose, Right
from services.notification.tables import outbound_messages
from simulators.crm.tables import marketing_preferences
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import final_count, rejections, states, submit
from tests.support.subjects import request_for, seeded

P = Purpose


def test_each_purpose_gets_its_own_answer_in_the_letter(start: HarnessFactory) -> None:
    purposes = [P.DIRECT_MARKETING, P.USAGE_ANALYTICS, P.FRAUD_PREVENTION,
                P.CONTRACT_PERFORMANCE]
    unknown = request_for("CM-100003", Right.OBJECTION, "o-unknown")
    body = json.loads(unknown.to_json())
    body["data"]["details"]["purposes"] = ["horoscopes"]
    with start() as harness:
        seeded(harness)
        submit(harness, request_for("CM-100004", Right.OBJECTION, "o-purposes",
                                    purposes=purposes))
        harness.publish_raw(json.dumps(body).encode(), unknown.type)
        harness.wait_until(lambda app: final_count(app) == 1 and len(rejections(app)) == 1,
                           timeout_s=120)
        app = harness.app
        assert states(app) == {"o-purposes": "completed"}
        assert "purposes" in rejections(app)[0]["problems"]
        with app.engine("notification").connect() as conn:
            letter = conn.execute(select(outbound_messages.c.body).where(
                outbound_messages.c.kind == "outcome",
                outbound_messages.c.medium == "letter")).scalar_one()
        with app.engine("crm").connect() as conn:
            stopped = {r.purpose for r in conn.execute(select(marketing_preferences).where(
                marketing_preferences.c.customer_code == "CM-100004",
                marketing_preferences.c.opted_in.is_(False)))}
    assert {"direct_marketing", "usage_analytics"} <= stopped
    assert "prospection commerciale : opposition enregistrée" in letter
    assert "liste d'opposition" in letter
    assert "analyses d'usage des services : traitement fondé sur notre intérêt légitime" in letter
    assert "prévention de la fraude : ce traitement est maintenu" in letter
    assert "exécution du contrat : l'opposition ne s'applique pas" in letter
    assert "résilier votre contrat" in letter
