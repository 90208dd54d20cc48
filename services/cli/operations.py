"""Operator commands: dead-letter queues and requests that stopped moving."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import click
from rich.console import Console
from rich.table import Table

from contracts.envelope import CloudEvent
from services.bootstrap import App, services_of
from services.cli import clients
from services.cli.context import pass_settings
from services.fulfilment.queries import FailedLift, failed_lifts
from services.intake.figures import registry_figures
from services.intake.queries import StuckRequest, stuck_requests
from services.operations.dead_letters import (
    TASK_QUEUES,
    DeadLetterQueues,
    redriven_event,
    target,
    with_reasons,
)
from services.runtime.metrics import REGISTRY, DeadLetterCollector, RegistryCollector
from services.runtime.settings import Settings
from services.workers import ALL, workers

console = Console()


def _queues(settings: Settings) -> DeadLetterQueues:
    if not settings.amqp_url:
        raise click.UsageError("dead-letter queues live in RabbitMQ: set DSR_AMQP_URL")
    return DeadLetterQueues.from_settings(settings)


@click.group()
def dlq() -> None:
    """Each worker's dead-letter queue: list, show, redrive."""


@dlq.command("list")
@pass_settings
def list_queues(settings: Settings) -> None:
    """How many messages each worker has dead-lettered."""
    table = Table(title="Dead-letter queues")
    table.add_column("worker")
    table.add_column("messages", justify="right")
    for name, depth in _queues(settings).depths(workers()).items():
        table.add_row(name, f"[red]{depth}[/]" if depth else "0")
    console.print(table)


@dlq.command()
@click.argument("name", type=click.Choice(ALL + TASK_QUEUES))
@click.option("--limit", default=50, show_default=True)
@pass_settings
def show(settings: Settings, name: str, limit: int) -> None:
    """The messages in one worker's (or delivery queue's) dead-letter queue, and why."""
    letters = _queues(settings).browse(target(name), limit)
    if name in TASK_QUEUES:  # dramatiq keeps no reason in the message: the record does
        with services_of(settings, "delivery") as app:
            letters = with_reasons(letters, app.engine("delivery"))
    table = Table(title=f"{name} dead letters")
    for column in ("#", "event id" if name not in TASK_QUEUES else "notice", "type",
                   "request", "attempts", "reason"):
        table.add_column(column)
    for letter in letters:
        table.add_row(str(letter.position), letter.event_id, letter.event_type,
                      letter.subject, str(letter.attempts or ""), letter.reason)
    console.print(table)


@dlq.command()
@click.argument("name", type=click.Choice(ALL + TASK_QUEUES))
@click.option("--event-id", "event_ids", multiple=True,
              help="Only these (repeatable; a delivery queue's: notice ids).")
@click.option("--all", "everything", is_flag=True, help="Every message in the queue.")
@click.option("--by", "operator", default=lambda: os.environ.get("USER", "operator"),
              show_default="$USER", help="Who redrives, as the audit chain records it.")
@pass_settings
def redrive(settings: Settings, name: str, event_ids: tuple[str, ...], everything: bool,
            operator: str) -> None:
    """Send dead-lettered messages back to where they were first published; each is
    recorded in the audit chain (operations.dead-letter-redriven.v1) with --by."""
    if not everything and not event_ids:
        raise click.UsageError("name --event-id … or --all")
    moved = _queues(settings).redriven(target(name), None if everything else set(event_ids))
    publisher = clients.KombuClient.from_settings(settings)
    for letter in moved:
        event = redriven_event(name, letter, operator)
        publisher.publish(CloudEvent.wrap(event, source=clients.CLI_SOURCE,
                                          subject=event.reference))
    console.print(f"redriven: {len(moved)} message(s) from {name}'s dead letters")


def parse_age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)([mhd])", text.strip())
    if match is None:
        raise click.BadParameter("use a number and m, h or d, e.g. 30m, 6h, 2d")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


@click.command()
@click.option("--older-than", default="1h", show_default=True,
              help="How long without a step, e.g. 30m, 6h, 2d.")
@pass_settings
def stuck(settings: Settings, older_than: str) -> None:
    """Open requests that have not moved for a while, with their last step, and restriction
    lifts that failed (a store never answered ``unrestrict``)."""
    cutoff = clients.CLOCK.now() - parse_age(older_than)
    with services_of(settings, "intake", "fulfilment") as app:
        waiting = stuck_requests(app.engine("intake"), cutoff)
        lifts = failed_lifts(app.engine("fulfilment"))
    console.print(stuck_table(older_than, waiting, lifts))


def stuck_table(older_than: str, waiting: list[StuckRequest], lifts: list[FailedLift]) -> Table:
    """Lifts a store never answered come last: the request is completed, the lift waits for
    a person (however recent), until a new ``dsr restriction lift`` sends it again."""
    table = Table(title=f"Requests with no step for more than {older_than}")
    for column in ("reference", "right", "last step", "since", "due", "note"):
        table.add_column(column)
    for row in waiting:
        table.add_row(row.reference, row.right, row.state,
                      row.updated_at.strftime("%Y-%m-%d %H:%M"), row.due_on.isoformat(),
                      row.reason or "")
    for lift in lifts:
        table.add_row(lift.reference, "restriction", "lift failed",
                      lift.updated_at.strftime("%Y-%m-%d %H:%M"), "", lift.failure or "")
    return table


def register_metrics(app: App, settings: Settings) -> None:
    """Gauges read at scrape time: the registry (where intake runs) and dead letters."""
    if "intake" in app.processors:
        REGISTRY.register(RegistryCollector(registry_figures(app.engine("intake"))))
    running = [p.worker for p in app.processors.values()]
    queues = DeadLetterQueues.from_settings(settings)
    REGISTRY.register(DeadLetterCollector(lambda: queues.depths(running)))
