"""Rulebook §6, rectification end to end, on both buses: a name or a date of birth changes only
to a value the verified identity document shows; a requester cannot vouch for it themselves."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from contracts.envelope import CloudEvent
from contracts.vocabulary import Right
from services.discovery.tables import discoveries
from services.notification.tables import outbound_messages
from services.rulebook.retention import UNSUPPORTED_DOCUMENT
from services.workers import ALL
from simulators.crm.tables import customers
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, rejections, request_rows, states, submit
from tests.support.intakes import nina_card
from tests.support.subjects import SUBJECTS, request_for, seeded


def customer(app: App, code: str) -> Any:
    with app.engine("crm").connect() as conn:
        return conn.execute(select(customers).where(customers.c.customer_code == code)).one()


def outcomes(app: App, channel_reference: str) -> set[tuple[str, str, str]]:
    row = next(r for r in request_rows(app) if r["channel_reference"] == channel_reference)
    return {(o["store"], o["category"], o["action"]) for o in row["outcomes"] or []}


def outcome_letter(app: App, channel_reference: str) -> str:
    reference = next(r["reference"] for r in request_rows(app)
                     if r["channel_reference"] == channel_reference)
    with app.engine("notification").connect() as conn:
        return str(conn.execute(select(outbound_messages.c.body).where(
            outbound_messages.c.reference == reference, outbound_messages.c.kind == "outcome",
            outbound_messages.c.medium == "letter")).scalar_one())


def self_attested(reference: str) -> CloudEvent:
    """A rectification whose requester claims the document supports the new name."""
    event = request_for("CM-100004", Right.RECTIFICATION, reference,
                        corrections={"surname": "Koné"})
    data = json.loads(json.dumps(event.data))
    data["details"]["corrections"]["_document_supports"] = "true"
    return event.model_copy(update={"data": data})


def test_an_identity_correction_is_applied_only_as_the_verified_document_shows_it(
        start: HarnessFactory) -> None:
    keita, coulibaly = SUBJECTS["CM-100002"], SUBJECTS["CM-100003"]
    # Moussa Keïta's NINA card spells his name Keyta: close enough to be verified, and the
    # value he asks for.
    card = nina_card("Moussa Keyta", keita.nina or "", keita.date_of_birth)
    with start(ALL) as harness:
        verified = harness.observe("identity.verified.v1")
        seeded(harness)
        submit(harness, request_for("CM-100002", Right.RECTIFICATION, "r-shown", document=card,
                                    corrections={"surname": "Keyta",
                                                 "email": "moussa.keyta@example.ml"}))
        submit(harness, request_for("CM-100003", Right.RECTIFICATION, "r-not-shown",
                                    corrections={"surname": "Koulibaly",
                                                 "date_of_birth": "1990-01-01"}))
        harness.wait_until(lambda app: states(app) == {"r-shown": "completed",
                                                       "r-not-shown": "completed"})
        app = harness.app
        shown, not_shown = customer(app, "CM-100002"), customer(app, "CM-100003")
        shown_outcomes, refused_outcomes = outcomes(app, "r-shown"), outcomes(app, "r-not-shown")
        refusal_letter = outcome_letter(app, "r-not-shown")
        documents = [e.data.get("document") for e in verified.events()]
        with app.engine("discovery").connect() as conn:
            kept = [row.document for row in conn.execute(select(discoveries))]

    assert (shown.surname, shown.full_name) == ("Keyta", "Moussa Keyta")
    assert {("crm", "identification", "rectify"), ("crm", "contact", "rectify")} <= \
        shown_outcomes
    assert ("crm", "identification", "refuse") not in shown_outcomes

    assert (not_shown.surname, not_shown.date_of_birth) == ("Coulibaly",
                                                            coulibaly.date_of_birth)
    assert {("crm", "identification", "refuse"),
            ("crm", "personal_characteristics", "refuse")} <= refused_outcomes
    assert f"nom : {UNSUPPORTED_DOCUMENT}" in refusal_letter
    assert f"date de naissance : {UNSUPPORTED_DOCUMENT}" in refusal_letter

    assert sorted(d["holder_name"] for d in documents if d) == ["Fatoumata Coulibaly",
                                                                "Moussa Keyta"]
    assert kept == [None, None], "discovery forgets the document's fields once it is over"


def test_a_requester_cannot_vouch_for_a_correction_with_a_key_of_their_own(
        start: HarnessFactory) -> None:
    with start(ALL) as harness:
        rejected = harness.observe("intake.request.rejected.v1")
        seeded(harness)
        submit(harness, self_attested("r-self-attested"))
        harness.wait_until(lambda app: len(rejections(app)) == 1)
        harness.wait_until(lambda app: len(rejected.events()) == 1)
        answer = rejected.events()[0].data
        registered = request_rows(harness.app)
        untouched = customer(harness.app, "CM-100004")
    assert registered == [] and untouched.surname == "Diarra"
    assert answer["channel_reference"] == "r-self-attested"
    assert [(p["field"], p["problem"]) for p in answer["problems"]] == [
        ("data.details.corrections._document_supports", "Extra inputs are not permitted")]
