"""``dsr console --demo``: a seeded population, requests in the states a back-office desk
sees (completed, in identity review, awaiting a document), a dead letter, customers on the
call list, letters for the mail room, an SMS the SMSC simulator refused (a delivery dead
letter), and one staff user per role."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from contracts.envelope import CloudEvent
from contracts.intake import DocumentSubmitted, IdentityDocument, RequestSubmitted
from contracts.vocabulary import Channel, DocumentKind
from services.bootstrap import App
from services.cli.demo import DEMO_RIGHTS, demo_intake
from services.cli.seeding import load_population
from services.console.ports import EmbeddedPublisher
from services.console.repository import add_user, staff
from services.console.roles import Role
from simulators.population.demo import demo_subjects
from simulators.population.generator import build_population

DEMO_PASSWORD = "demo-console-7400"
DEMO_USERS = (("dpo", "Aïssata Maïga", Role.DPO, "fr"),
              ("reviewer", "Ibrahim Cissé", Role.REVIEWER, "fr"),
              ("agent", "Kadiatou Sanogo", Role.AGENT, "en"),
              ("operator", "Modibo Kanté", Role.OPERATOR, "en"),
              ("mailroom", "Fatoumata Coulibaly", Role.MAIL_ROOM, "fr"))


def staff_users(engine: Engine, app: App) -> None:
    for username, name, role, language in DEMO_USERS:
        if staff(engine, username) is None:
            add_user(engine, username, name, role, language, DEMO_PASSWORD, app.clock.now())


def fill(app: App, publisher: EmbeddedPublisher, requests: int = 36) -> None:
    """Requests received over the last days, so the list, the deadlines and the chart show
    something real; one misspelt name waits for a reviewer; one arrives without a document;
    a document for an unknown request is dead-lettered by intake."""
    load_population(app.settings, build_population(subscribers=20, cdr_per_subscriber=60))
    subjects = demo_subjects()[:8]
    now = app.clock.now()
    for n in range(requests):
        plan = subjects[n % len(subjects)]
        right, details = DEMO_RIGHTS[n % len(DEMO_RIGHTS)]
        received = now - timedelta(days=(n * 7) % 29, hours=n % 9)
        publisher.publish(demo_intake(plan, right, details, n + 1, received))
    review = subjects[3]
    event = demo_intake(review, *DEMO_RIGHTS[0], requests + 1, now - timedelta(days=2))
    data = RequestSubmitted.model_validate(event.data)
    misspelt = data.model_copy(update={
        "subject": data.subject.model_copy(update={"full_name": review.full_name + "h Ba"}),
        "identity_document": (data.identity_document.model_copy(update={
            "holder_name": review.full_name + "h Ba"}) if data.identity_document else None)})
    publisher.publish(CloudEvent.wrap(misspelt, source="urn:callcentre:7400"))
    waiting = data.model_copy(update={"channel_reference": "7400-DEMO-NODOC",
                                      "identity_document": None, "channel": Channel.POSTAL})
    publisher.publish(CloudEvent.wrap(waiting, source="urn:callcentre:7400"))
    stray = DocumentSubmitted(
        reference="DSR-2026-999999", channel=Channel.POSTAL, received_at=now,
        identity_document=IdentityDocument(
            kind=DocumentKind.NINA_CARD, number="0000000000000", holder_name="Inconnu",
            expires_on=now.date() + timedelta(days=900),
            copy_base64=base64.b64encode(b"scan").decode()))
    publisher.publish(CloudEvent.wrap(stray, source="urn:backoffice", subject=stray.reference))


def undelivered(app: App, publisher: EmbeddedPublisher, smsc: Any, number: int = 90) -> None:
    """One more answer while the SMSC simulator answers System Error: its SMS are
    dead-lettered on ``delivery.sms`` (the letter goes instead); then the SMSC mends."""
    plan = demo_subjects()[0]
    smsc.behaviour.fail = True
    publisher.publish(demo_intake(plan, *DEMO_RIGHTS[0], number, app.clock.now()))
    smsc.behaviour.fail = False
