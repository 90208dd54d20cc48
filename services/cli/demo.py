"""``dsr demo``: every worker in one process, one request per right, and what became of each."""

from __future__ import annotations

import base64
import shutil
from datetime import datetime

from rich.console import Console

from contracts.envelope import CloudEvent
from contracts.intake import IdentityDocument, RequestDetails, RequestSubmitted, SubjectClaim
from contracts.status import StatusReply
from contracts.vocabulary import Category, Channel, DocumentKind, Right
from services.bootstrap import bootstrap
from services.cli import tables
from services.cli.clients import EmbeddedClient
from services.cli.seeding import load_population
from services.intake.queries import rejections
from services.runtime.settings import Settings
from simulators.population.demo import SubjectPlan, demo_subjects
from simulators.population.generator import build_population

DEMO_RIGHTS = (
    (Right.ACCESS, RequestDetails()),
    (Right.RECTIFICATION, RequestDetails(corrections={"email": "nouvelle.adresse@example.ml"})),
    (Right.ERASURE, RequestDetails()),
    (Right.OBJECTION, RequestDetails(purposes=["direct_marketing"])),
    (Right.RESTRICTION, RequestDetails(categories=[Category.PROFILES_SCORES])),
)


def demo_intake(plan: SubjectPlan, right: Right, details: RequestDetails, number: int,
                received_at: datetime) -> CloudEvent:
    scan = base64.b64encode(f"scan of {plan.customer_code}'s NINA card".encode()).decode()
    document = IdentityDocument(kind=DocumentKind.NINA_CARD, number=plan.nina or "?",
                                holder_name=plan.full_name, date_of_birth=plan.date_of_birth,
                                expires_on=received_at.date().replace(year=received_at.year + 5),
                                copy_base64=scan)
    submitted = RequestSubmitted(
        channel=Channel.CALLCENTRE, channel_reference=f"7400-DEMO-{number:04d}",
        received_at=received_at, right=right,
        subject=SubjectClaim(msisdn=plan.msisdn, full_name=plan.full_name,
                             date_of_birth=plan.date_of_birth),
        identity_document=document, details=details)
    return CloudEvent.wrap(submitted, source="urn:callcentre:7400")


def run_demo(settings: Settings, console: Console) -> None:
    demo_dir = settings.data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    quiet = {} if "log_level" in settings.model_fields_set else {"log_level": "WARNING"}
    settings = settings.model_copy(update={"data_dir": demo_dir, "amqp_url": None,
                                           "database_url": None, **quiet})
    counts = load_population(settings, build_population(subscribers=20, cdr_per_subscriber=100))
    console.print(tables.counts_table(counts, "Simulated back-office stores"))
    app = bootstrap(settings)
    client = EmbeddedClient(app.embedded_bus(), app.engine("intake"), app.clock)
    now = app.clock.now()
    events = [demo_intake(plan, right, details, n, now)
              for n, (plan, (right, details)) in enumerate(zip(demo_subjects(), DEMO_RIGHTS,
                                                              strict=False), start=1)]
    registrations = [client.submit(event) for event in events]
    client.publish(events[0])  # the same event delivered twice: the inbox drops the copy
    # The call centre submits the first call again, as a new event: a duplicate intake.
    again = CloudEvent.wrap(RequestSubmitted.model_validate(events[0].data),
                            source="urn:callcentre:7400")
    duplicate = client.submit(again)
    client.publish_raw(b'{"specversion": "1.0", "type": "intake.request.submitted.v1"}',
                       "intake.request.submitted.v1")
    replies = [client.status(r.reference) for r in registrations if r.reference]
    answered = [r for r in replies if isinstance(r, StatusReply)]
    console.print(tables.status_table(answered, "One request per right, after the saga"))
    console.print(tables.outcomes_table(answered))
    console.print(tables.reasons_table(answered))
    console.print(tables.duplicates_table([duplicate]))
    console.print(tables.rejections_table(rejections(app.engine("intake"))))
    app.dispose()
