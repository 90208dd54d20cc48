"""A console over every worker on the embedded bus, the delivery actors on dramatiq's stub
broker with the SMSC simulator and the print-room folder, one staff user per role and the
requests a back-office desk meets: completed, in identity review, awaiting its document,
a failed fulfilment, a restriction in force, a subject under a judicial requisition, a
document that arrived before its request (dead-lettered by intake), and an answer whose SMS
the SMSC kept refusing (dead-lettered by the delivery worker, a letter sent instead). Every
request's first SMS is held for the call centre (before verification): the call list."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from starlette.applications import Starlette

from contracts.backoffice import StoreAction
from contracts.envelope import CloudEvent
from contracts.intake import DocumentSubmitted
from contracts.vocabulary import Category, Channel, Right
from services.audit.chain import Entry
from services.audit.queries import trail
from services.bootstrap import bootstrap, console
from services.console.app import create_app
from services.console.ports import EmbeddedPublisher
from services.console.repository import add_user
from services.console.roles import Role
from services.console.web import ConsoleDeps
from services.delivery.queries import of_request
from services.intake.tables import requests
from services.notification.queries import calls_due
from services.runtime.clock import FakeClock
from tests.conftest import embedded_settings
from tests.e2e.test_fulfilment_review import fail_once
from tests.support.delivering import gateway_settings
from tests.support.harness import EmbeddedHarness, submit
from tests.support.intakes import RECEIVED, RUN_STARTS, intake, nina_card
from tests.support.smsc import SmscSimulator
from tests.support.subjects import SUBJECTS, request_for, seeded

PASSWORD = "correct horse battery staple"
USERS = {"dpo": (Role.DPO, "fr"), "reviewer": (Role.REVIEWER, "en"),
         "agent": (Role.AGENT, "en"), "operator": (Role.OPERATOR, "en"),
         "mailroom": (Role.MAIL_ROOM, "fr")}
OPEN_RIGHTS = ("access", "erasure", "objection", "rectification")
#: The references the staged requests get, in the order they are submitted.
COMPLETED, IN_REVIEW, AWAITING_DOCUMENT, FAILED_FULFILMENT, REQUISITIONED, RESTRICTED = (
    f"DSR-2026-{n:06d}" for n in range(1, 7))
#: Submitted after the 14 letters of ``stage``: its answer's SMS is dead-lettered.
UNDELIVERED = "DSR-2026-000021"


@dataclass
class World:
    deps: ConsoleDeps
    harness: EmbeddedHarness
    clock: FakeClock
    asgi: Starlette

    def state(self, reference: str) -> str:
        with self.harness.app.engine("intake").connect() as conn:
            return str(conn.execute(select(requests.c.state)
                                    .where(requests.c.reference == reference)).scalar_one())

    def trail(self, reference: str) -> list[Entry]:
        return trail(self.harness.app.engine("audit"), reference)

    def dead_letters(self, worker: str) -> int:
        return self.harness.dead_lettered(worker)

    def deliveries(self, reference: str) -> list[dict[str, Any]]:
        return of_request(self.harness.app.engine("delivery"), reference)

    def calls(self) -> list[dict[str, Any]]:
        return calls_due(self.harness.app.engine("notification"), include_done=True)


def stray_document(reference: str) -> CloudEvent:
    plan = SUBJECTS["CM-100005"]
    document = DocumentSubmitted(reference=reference, channel=Channel.CALLCENTRE,
                                 received_at=RUN_STARTS,
                                 identity_document=nina_card(plan.full_name, plan.nina or "",
                                                             plan.date_of_birth))
    return CloudEvent.wrap(document, source="urn:callcentre:7400", subject=reference)


def stage(harness: EmbeddedHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded(harness)
    submit(harness, stray_document(AWAITING_DOCUMENT))  # before its request: dead-lettered
    harness.bus.run_until_idle()
    submit(harness, request_for("CM-100001", Right.ACCESS, "call-completed"))
    review = SUBJECTS["CM-100004"]
    submit(harness, intake(Right.ACCESS, review.msisdn, "Oumar Diarrah Ba",
                           nina_card("Oumar Diarrah Ba", review.nina or "",
                                     review.date_of_birth), channel_reference="call-review"))
    late = SUBJECTS["CM-100005"]
    submit(harness, intake(Right.ACCESS, late.msisdn, late.full_name, None,
                           channel_reference="call-no-document"))
    harness.bus.run_until_idle()
    fail_once(monkeypatch, "cdr", StoreAction.COMMIT)
    submit(harness, request_for("CM-100003", Right.ERASURE, "call-erasure"))
    harness.bus.run_until_idle()
    submit(harness, request_for("CM-100014", Right.ACCESS, "call-requisition"))
    harness.bus.run_until_idle()
    submit(harness, request_for("CM-100002", Right.RESTRICTION, "call-restriction",
                                categories=[Category.PROFILES_SCORES]))
    harness.bus.run_until_idle()
    for n in range(1, 15):  # letters received over October, still waiting for a document
        plan = SUBJECTS[f"CM-1000{n % 8 + 1:02d}"]
        submit(harness, intake(Right(OPEN_RIGHTS[n % len(OPEN_RIGHTS)]), plan.msisdn,
                               plan.full_name, None, channel_reference=f"letter-{n}",
                               received_at=RECEIVED - timedelta(days=n * 2, hours=n)))
    harness.bus.run_until_idle()


def undelivered(harness: EmbeddedHarness, deps: ConsoleDeps, smsc: SmscSimulator) -> None:
    """The staged notices go out; then an answer's SMS the SMSC refuses until it gives up."""
    assert isinstance(deps.publisher, EmbeddedPublisher)
    deps.publisher.relay()
    smsc.behaviour.fail = True
    submit(harness, request_for("CM-100008", Right.ACCESS, "call-smsc-down"))
    deps.publisher.relay()
    smsc.behaviour.fail = False


@contextmanager
def console_world(data_dir: Path, **overrides: object) -> Iterator[World]:
    smsc = SmscSimulator().start()
    gateways = gateway_settings(smsc, 25) | {
        "smtp_host": None, "smsc_receipts": False, "delivery_max_retries": 1,
        "delivery_min_backoff_ms": 20, "delivery_max_backoff_ms": 40}
    settings = embedded_settings(data_dir, **(gateways | overrides))
    clock = FakeClock(RUN_STARTS)
    app = bootstrap(settings, clock=clock)
    harness = EmbeddedHarness(app)
    with pytest.MonkeyPatch.context() as monkeypatch:
        stage(harness, monkeypatch)
        deps, _ = console(settings, app=app, bus=harness.bus)
        try:
            undelivered(harness, deps, smsc)
            for username, (role, language) in USERS.items():
                add_user(deps.staff, username, f"{username.title()} Staff", role, language,
                         PASSWORD, clock.now())
            yield World(deps, harness, clock, create_app(deps))
        finally:
            deps.close()
            app.dispose()
            smsc.stop()
