"""Back-office commands after intake: a late document, a withdrawal, a review decision, the
lifting of a restriction."""

from __future__ import annotations

import base64
import threading
from datetime import date
from pathlib import Path

import click
from rich.console import Console

from contracts.envelope import CloudEvent, Message
from contracts.fulfilment import FulfilmentReviewDecided, ReviewDecision
from contracts.identity import ReviewDecided
from contracts.intake import DocumentSubmitted, IdentityDocument, WithdrawalSubmitted
from contracts.restriction import RestrictionLiftRequested
from contracts.status import ClockTicked
from contracts.vocabulary import Channel, DocumentKind
from services.cli.clients import CLI_SOURCE, BusClient

console = Console()


def publish(client: BusClient, message: Message, subject: str | None) -> CloudEvent:
    event = CloudEvent.wrap(message, source=CLI_SOURCE, subject=subject)
    client.publish(event)
    console.print(f"published [bold]{event.type}[/] for {subject or 'all'} (event {event.id})")
    return event


def read_document(kind: str, number: str, holder: str, birth: date | None,
                  expires: date | None, scan: Path | None) -> IdentityDocument:
    copy = base64.b64encode(scan.read_bytes()).decode() if scan else None
    return IdentityDocument(kind=DocumentKind(kind), number=number, holder_name=holder,
                            date_of_birth=birth, expires_on=expires, copy_base64=copy)


def document(client: BusClient, reference: str, channel: str,
             identity_document: IdentityDocument, submitted_by: str | None = None) -> None:
    publish(client, DocumentSubmitted(reference=reference, channel=Channel(channel),
                                      received_at=client.clock.now(),
                                      identity_document=identity_document,
                                      submitted_by=submitted_by), reference)


def withdraw(client: BusClient, reference: str, channel: str) -> None:
    publish(client, WithdrawalSubmitted(reference=reference, channel=Channel(channel),
                                        received_at=client.clock.now()), reference)


def review(client: BusClient, reference: str, decision: str, reviewer: str,
           reason: str) -> None:
    """``approve``/``reject``: an identity review; ``retry``/``close``: a failed fulfilment."""
    if len(reason.strip()) < 3:
        raise click.UsageError("--reason must say why (at least 3 characters)")
    message: Message
    if decision in ("approve", "reject"):
        message = ReviewDecided(reference=reference, approved=decision == "approve",
                                reviewer=reviewer, reason=reason)
    else:
        message = FulfilmentReviewDecided(reference=reference, decision=ReviewDecision(decision),
                                          reviewer=reviewer, reason=reason)
    publish(client, message, reference)


def lift_restriction(client: BusClient, reference: str, reason: str, requested_by: str) -> None:
    """Ask to lift a restriction: the customer is told first, the stores lifted after the
    notice period (``DSR_RESTRICTION_LIFT_NOTICE_DAYS``)."""
    if len(reason.strip()) < 3:
        raise click.UsageError("--reason must say why (at least 3 characters)")
    publish(client, RestrictionLiftRequested(reference=reference, reason=reason,
                                             requested_by=requested_by), reference)


def run_clock(client: BusClient, every_s: float, stop: threading.Event) -> None:
    """Publish the time every ``every_s`` seconds until ``stop`` is set."""
    while not stop.is_set():
        client.publish(CloudEvent.wrap(ClockTicked(now=client.clock.now()), source=CLI_SOURCE))
        stop.wait(every_s)
