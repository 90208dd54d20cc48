"""Fakes of the delivery ports for the unit tier, and a ledger on a fresh database."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select

from contracts.notification import Medium, NoticeTask, NotificationKind
from contracts.status import ClockTicked
from services.bootstrap import App, bootstrap, delivery_ledger
from services.delivery import handlers
from services.delivery.ports import GatewayUnavailable, InDoubt
from services.delivery.repository import Ledger
from services.delivery.tables import metadata
from services.runtime.commands import transaction
from services.runtime.settings import Settings


@dataclass
class FakeSmsc:
    """Accepts every part, unless told to fail the next ones (unavailable or in doubt), or
    to fail the next binds (``unbindable``: an exception to raise)."""

    accepted: list[tuple[str, bytes]] = field(default_factory=list)
    unavailable: int = 0
    in_doubt: int = 0
    unbindable: list[BaseException] = field(default_factory=list)

    def ready(self) -> None:
        if self.unbindable:
            raise self.unbindable.pop(0)

    def submit(self, destination: str, short_message: bytes, *, data_coding: int,
               esm_class: int) -> str:
        if self.unavailable:
            self.unavailable -= 1
            raise GatewayUnavailable("SMSC down")
        if self.in_doubt:
            self.in_doubt -= 1
            self.accepted.append((destination, short_message))  # it did get there
            raise InDoubt("connection lost awaiting submit_sm_resp")
        self.accepted.append((destination, short_message))
        return f"id-{len(self.accepted)}"


@dataclass
class FakeRelay:
    sent: list[EmailMessage] = field(default_factory=list)

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


class NoWait:
    def acquire(self) -> None:
        return None


def ledger_on(settings: Settings) -> tuple[App, Ledger]:
    app = bootstrap(settings, names=("delivery",), configure_logs=False)
    return app, delivery_ledger(app)


def tick(app: App, settings: Settings, now: datetime) -> None:
    """The clock's tick, as the delivery worker handles it (receipts awaited too long)."""
    with transaction(app.engine("delivery"), metadata, app.clock, settings, "delivery") as deps:
        handlers.expire_unreceipted(ClockTicked(now=now), deps)


def notice(body: str = "Bonjour", medium: Medium = Medium.SMS, recipient: str = "+22370000001",
           notice_id: str = "DSR-2026-000001/1", document: str | None = None) -> NoticeTask:
    return NoticeTask(notice_id=notice_id, reference="DSR-2026-000001",
                      kind=NotificationKind.OUTCOME, medium=medium, recipient=recipient,
                      body=body, document=document)


def published(app: App, service: str = "delivery") -> list[dict[str, Any]]:
    """The events waiting in ``service``'s outbox, oldest first."""
    outbox = app.processors[service].worker.tables.tables["outbox"]
    with app.engine(service).connect() as db:
        bodies = db.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars().all()
    return [json.loads(b)["data"] for b in bodies]


def write_pdf(data_dir: Path, relative: str = "post/DSR-2026-000001/outcome.pdf") -> str:
    path = data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 lettre\n%%EOF\n")
    return relative
