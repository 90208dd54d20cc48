"""``dsr``: the operator's command line. Each command is thin: parse, bootstrap, call."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

from contracts.envelope import CloudEvent
from contracts.intake import RequestSubmitted, SubjectClaim
from contracts.status import QueryRefused
from contracts.vocabulary import Channel, DocumentKind, Right
from services.bootstrap import bootstrap, delivery_worker, task_broker
from services.cli import follow_ups, notices, operations, tables
from services.cli.audit import audit, register
from services.cli.clients import CLI_SOURCE, BusClient, EmbeddedClient, KombuClient
from services.cli.console import console as console_group
from services.cli.context import pass_settings
from services.cli.definitions import DEFINITIONS_PATH, definitions_json, grants
from services.cli.package import package
from services.cli.subjects import subjects_table
from services.runtime import health
from services.runtime.amqp.permissions import passwords_from_environment
from services.runtime.logging import configure_logging
from services.runtime.settings import Settings
from services.workers import ALL

console = Console()


def _client(settings: Settings) -> BusClient:
    if settings.amqp_url:
        return KombuClient.from_settings(settings)
    app = bootstrap(settings, configure_logs=False)
    return EmbeddedClient(app.embedded_bus(), app.engine("intake"), app.clock)


@click.group()
@click.pass_context
def main(ctx: click.Context) -> None:
    """Personal-data rights requests: intake, identity, discovery, fulfilment, notification."""
    settings = ctx.obj = Settings()  # the one read of DSR_*; every command gets these
    configure_logging(settings.log_level, settings.log_json)  # stderr, never among the tables


@main.command()
@pass_settings
def demo(settings: Settings) -> None:
    """Run every worker in-process on a fresh demo data set and show the outcomes."""
    from services.cli.demo import run_demo

    run_demo(settings, console)


@main.command()
@click.option("--worker", "names", multiple=True, type=click.Choice(ALL),
              help="Run only these workers (repeatable); default: all of them.")
@click.option("--clock/--no-clock", "with_clock", default=True, show_default=True,
              help="Also publish clock.ticked.v1 every DSR_TICK_S seconds.")
@pass_settings
def run(settings: Settings, names: tuple[str, ...], with_clock: bool) -> None:
    """Run workers against RabbitMQ (DSR_AMQP_URL) until SIGTERM or Ctrl-C."""
    if not settings.amqp_url:
        raise click.UsageError("set DSR_AMQP_URL, e.g. amqp://guest:guest@127.0.0.1:5672/%2F")
    if settings.signing_key is None and settings.signing_key_file is None:
        raise click.UsageError("set DSR_SIGNING_KEY or DSR_SIGNING_KEY_FILE: store commands "
                               "are signed with the deployment's key")
    app = bootstrap(settings, names=names or ALL, configure_logs=False)
    runner = app.amqp_runner()
    tasks = delivery_worker(app, task_broker(settings)) if "delivery" in app.processors else None
    if tasks is not None:
        tasks.start()  # the delivery actors (dramatiq) beside the delivery worker's relay
    if settings.health_port:
        operations.register_metrics(app, settings)
        health.serve(settings.health_port, runner.connected.is_set,
                     health.database_probe(list(app.processors.values())))
    stop = threading.Event()
    if with_clock:
        ticker = threading.Thread(target=follow_ups.run_clock, daemon=True, name="clock",
                                  args=(KombuClient.from_settings(settings), settings.tick_s, stop))
        ticker.start()

    def shutdown(*_: object) -> None:
        stop.set()
        if tasks is not None:
            tasks.stop()
        runner.stop()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, shutdown)
    runner.run()


@main.command()
@click.argument("services", nargs=-1, type=click.Choice((*ALL, "console")))
@pass_settings
def migrate(settings: Settings, services: tuple[str, ...]) -> None:
    """Bring each service's database (all by default) to its head schema revision."""
    from services.migrations import SERVICES, upgrade

    for service in services or SERVICES:
        upgrade(service, settings)
        console.print(f"{service}: at head")


@main.command()
@click.option("--subscribers", default=50, show_default=True)
@click.option("--cdr-per-subscriber", default=200, show_default=True)
@click.option("--seed", "seed_value", default=7400, show_default=True)
@click.option("--cdr-rows", type=click.IntRange(min=1),
              help="Operator scale: this many CDR events in all (COPY into PostgreSQL), "
                   "100,000 of them the heavy user's; --cdr-per-subscriber is then ignored.")
@pass_settings
def seed(settings: Settings, subscribers: int, cdr_per_subscriber: int, seed_value: int,
         cdr_rows: int | None) -> None:
    """Fill the simulated CRM, billing and CDR stores with synthetic subscribers.

    At scale: dsr seed --subscribers 100000 --cdr-rows 10000000
    """
    if cdr_rows is not None:
        from services.cli.bulk_seed import seed_at_scale

        counts = seed_at_scale(settings, subscribers, cdr_rows, console, seed=seed_value)
    else:
        from services.cli.seeding import seed_stores

        counts = seed_stores(settings, seed_value, subscribers, cdr_per_subscriber, console)
    console.print(tables.counts_table(counts))
    console.print("run [bold]dsr subjects[/] to see who to test with")


@main.command()
def subjects() -> None:
    """The sample subjects of every seeded population, with what a tester types for each
    (ordinary subjects and the edge cases: recycled number, former customers, holds, legal
    entity, heavy user)."""
    console.print(subjects_table())


@main.command()
@click.option("--channel", type=click.Choice([c.value for c in Channel]), default="callcentre",
              show_default=True)
@click.option("--reference", "channel_reference", required=True,
              help="The channel's own reference (call id, letter registration number).")
@click.option("--right", type=click.Choice([r.value for r in Right]), required=True)
@click.option("--msisdn", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--customer-code")
@click.option("--nina")
@click.option("--birth-date", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--document", "document_kind", type=click.Choice([d.value for d in DocumentKind]))
@click.option("--document-number")
@click.option("--document-expires", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--scan", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The document's scanned copy; without it the customer is asked for one.")
@click.option("--received-at", type=click.DateTime(), help="Default: now (UTC).")
@click.option("--return-address", "return_address", multiple=True,
              help="A letter's return address, one line per option (postal requests only).")
@pass_settings
def submit(settings: Settings, channel: str, channel_reference: str, right: str, msisdn: str,
           full_name: str, customer_code: str | None, nina: str | None,
           birth_date: datetime | None, document_kind: str | None,
           document_number: str | None, document_expires: datetime | None,
           scan: Path | None, received_at: datetime | None,
           return_address: tuple[str, ...]) -> None:
    """Publish an intake event, as the call centre or the back office would, and print the
    DSR reference it was registered as (or the earlier request it duplicates)."""
    birth = birth_date.date() if birth_date else None
    document = None
    if document_kind:
        document = follow_ups.read_document(
            document_kind, document_number or "?", full_name, birth,
            document_expires.date() if document_expires else None, scan)
    client = _client(settings)
    intake = RequestSubmitted(
        channel=Channel(channel), channel_reference=channel_reference,
        received_at=received_at.replace(tzinfo=UTC) if received_at else client.clock.now(),
        right=Right(right),
        subject=SubjectClaim(msisdn=msisdn, full_name=full_name, customer_code=customer_code,
                             nina=nina, date_of_birth=birth),
        identity_document=document, return_address=list(return_address) or None)
    registration = client.submit(CloudEvent.wrap(intake, source=CLI_SOURCE))
    console.print(registration.describe(), highlight=False)
    if registration.problems:
        raise SystemExit(1)


@main.command()
@click.argument("reference")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), default="postal",
              show_default=True)
@click.option("--document", "document_kind", required=True,
              type=click.Choice([d.value for d in DocumentKind]))
@click.option("--number", required=True)
@click.option("--holder", required=True, help="Holder's name as printed on the document.")
@click.option("--birth-date", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--scan", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The scanned copy (hashed at intake, then dropped).")
@click.option("--by", "submitted_by", default=lambda: os.environ.get("USER", "back-office"),
              show_default="$USER", help="Who attaches it, as the audit chain records it.")
@pass_settings
def document(settings: Settings, reference: str, channel: str, document_kind: str,
             number: str, holder: str, birth_date: datetime | None, expires: datetime,
             scan: Path, submitted_by: str) -> None:
    """Attach the identity document asked for to an existing request."""
    identity_document = follow_ups.read_document(
        document_kind, number, holder, birth_date.date() if birth_date else None,
        expires.date(), scan)
    follow_ups.document(_client(settings), reference, channel, identity_document,
                        submitted_by)


@main.command()
@click.argument("reference")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), default="callcentre",
              show_default=True)
@pass_settings
def withdraw(settings: Settings, reference: str, channel: str) -> None:
    """Withdraw a request that has not completed, at the subject's demand."""
    follow_ups.withdraw(_client(settings), reference, channel)


@main.command()
@click.argument("reference")
@click.option("--approve", "decision", flag_value="approve",
              help="Identity review: the identity is confirmed.")
@click.option("--reject", "decision", flag_value="reject",
              help="Identity review: the identity is not confirmed.")
@click.option("--retry", "decision", flag_value="retry",
              help="Fulfilment failed: run the saga again from the start in every store.")
@click.option("--close", "decision", flag_value="close",
              help="Fulfilment failed: close the request; the customer is told why.")
@click.option("--reason", required=True, help="Why; kept in the record (told the customer "
              "on --close).")
@click.option("--reviewer", default=lambda: os.environ.get("USER", "back-office"),
              show_default="$USER")
@pass_settings
def review(settings: Settings, reference: str, decision: str | None, reason: str,
           reviewer: str) -> None:
    """Decide a request in manual review: identity (--approve/--reject) or a failed
    fulfilment (--retry/--close)."""
    if decision is None:
        raise click.UsageError("choose one of --approve, --reject, --retry, --close")
    follow_ups.review(_client(settings), reference, decision, reviewer, reason)


@main.command()
@pass_settings
def clock(settings: Settings) -> None:
    """Publish the time every DSR_TICK_S seconds (reminders, closures, deadlines)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    follow_ups.run_clock(_client(settings), settings.tick_s, stop)


@main.command()
@click.argument("reference")
@pass_settings
def status(settings: Settings, reference: str) -> None:
    """Where a request stands, as a 7400 agent would tell the caller."""
    reply = _client(settings).status(reference)
    if reply is None:
        raise click.ClickException("no answer from the intake worker; is it running?")
    if isinstance(reply, QueryRefused):
        raise click.ClickException("the intake worker could not read the query: " + "; ".join(
            f"{p.field}: {p.problem}" for p in reply.problems))
    if not reply.found:
        raise click.ClickException(f"no request {reference}")
    console.print(tables.status_table([reply]))
    if reply.outcomes:
        console.print(tables.outcomes_table([reply]))
        console.print(tables.reasons_table([reply]))
    if reply.notices:
        console.print(tables.notices_table(reply))


@main.command()
@click.option("--output", type=click.Path(dir_okay=False), default=DEFINITIONS_PATH,
              show_default=True)
@click.option("--with-passwords", is_flag=True,
              help="Hash each user's password from DSR_BROKER_PASSWORD_<USER> or the file "
                   "amqp-<user> in --passwords-dir (deployment only: never into the repo).")
@click.option("--passwords-dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where the password files are, e.g. /run/secrets.")
@pass_settings
def topology(settings: Settings, output: str, with_passwords: bool,
             passwords_dir: Path | None) -> None:
    """Write the RabbitMQ definitions: the workers' topology and one user per service."""
    passwords = None
    if with_passwords:
        if Path(output).resolve() == Path(DEFINITIONS_PATH).resolve():
            raise click.UsageError("password hashes do not go into the repository: "
                                   "choose another --output")
        passwords = passwords_from_environment(passwords_dir)
        missing = [g.user for g in grants() if passwords(g) is None]
        if missing:
            console.print(f"[yellow]no password for {', '.join(missing)}: they cannot log in")
    Path(output).write_text(definitions_json(settings, passwords))
    console.print(f"wrote {output}")


@main.group()
def restriction() -> None:
    """Restrictions in force (rulebook §6): lifting one tells the customer first."""


@restriction.command("lift")
@click.argument("reference")
@click.option("--reason", required=True, help="Why the restriction ends; kept in the record.")
@click.option("--by", "requested_by", default=lambda: os.environ.get("USER", "back-office"),
              show_default="$USER")
@pass_settings
def lift(settings: Settings, reference: str, reason: str, requested_by: str) -> None:
    """Lift REFERENCE's restriction after the notice period; the notice goes out first."""
    follow_ups.lift_restriction(_client(settings), reference, reason, requested_by)


main.add_command(operations.dlq)
main.add_command(notices.post)
main.add_command(notices.calls)
main.add_command(audit)
main.add_command(register)
main.add_command(operations.stuck)
main.add_command(package)
main.add_command(console_group)


if __name__ == "__main__":
    main()
