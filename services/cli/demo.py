"""``dsr demo``: every worker in one process, one request per right, and what became of each."""

from __future__ import annotations

import base64
import shutil
import time
from datetime import datetime
from typing import Any

from rich.console import Console

from contracts.envelope import CloudEvent
from contracts.intake import IdentityDocument, RequestDetails, RequestSubmitted, SubjectClaim
from contracts.status import StatusReply
from contracts.vocabulary import Category, Channel, DocumentKind, Right
from services.bootstrap import bootstrap, delivery_worker, task_broker
from services.cli import tables
from services.cli.clients import EmbeddedClient
from services.cli.seeding import load_population
from services.delivery.actors import TaskWorker
from services.intake.queries import rejections
from services.runtime.memory_bus import EmbeddedBus
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
    smsc = smsc_simulator(console)
    if smsc is not None:
        settings = settings.model_copy(update={"smsc_host": "127.0.0.1", "smsc_port": smsc.port,
                                               "smsc_tps": 200.0})
    app = bootstrap(settings)
    bus = app.embedded_bus()
    tasks = delivery_worker(app, task_broker(settings))
    tasks.start()
    client = EmbeddedClient(bus, app.engine("intake"), app.clock)
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
    _deliver(tasks, bus)
    replies = [client.status(r.reference) for r in registrations if r.reference]
    answered = [r for r in replies if isinstance(r, StatusReply)]
    console.print(tables.status_table(answered, "One request per right, after the saga"))
    console.print(tables.outcomes_table(answered))
    console.print(tables.reasons_table(answered))
    console.print(tables.duplicates_table([duplicate]))
    console.print(tables.rejections_table(rejections(app.engine("intake"))))
    for reply in answered:
        console.print(tables.notices_table(reply))
    console.print(f"letters for the print room: {settings.print_room}")
    tasks.stop()
    if smsc is not None:
        console.print(f"the SMSC simulator accepted {len(smsc.accepted)} submit_sm")
        smsc.stop()
    app.dispose()


def smsc_simulator(console: Console) -> Any:
    """The tests' SMSC simulator (``tests/support/smsc.py``), when run from the repository
    (``make demo``); elsewhere the SMS wait in their queue."""
    try:
        from tests.support.smsc import SmscSimulator
    except ImportError:
        console.print("[yellow]no SMSC simulator here (run `make demo` from the repository): "
                      "the SMS stay queued")
        return None
    return SmscSimulator().start()


def _deliver(tasks: TaskWorker, bus: EmbeddedBus, settle_s: float = 1.5) -> None:
    """Run the delivery actors until the notices and their receipts have settled."""
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < settle_s:
        if tasks.drain(bus):
            quiet_since = time.monotonic()
        time.sleep(0.1)
