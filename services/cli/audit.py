"""``dsr audit verify | trail`` and ``dsr register export``: the audit worker's database.

Attach with ``main.add_command(audit)`` and ``main.add_command(register)``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from services.audit import queries
from services.audit import register as register_module
from services.bootstrap import services_of
from services.cli import clients
from services.cli.context import pass_settings
from services.runtime.settings import Settings

console = Console()
errors = Console(stderr=True)


@click.group()
def audit() -> None:
    """The hash-chained audit log of every step of every request."""


@audit.command()
@pass_settings
def verify(settings: Settings) -> None:
    """Recompute every link of the chain; exit 1 naming the first broken entry."""
    with services_of(settings, "audit") as app:
        count, broken = queries.check_chain(app.engine("audit"))
    if broken is None:
        console.print(f"[green]audit chain intact[/]: {count} entries verified")
        return
    console.print(f"[bold red]audit chain BROKEN at entry {broken.sequence}[/]: "
                  f"{broken.problem} ({count} entries read)")
    sys.exit(1)


@audit.command()
@click.argument("reference")
@pass_settings
def trail(settings: Settings, reference: str) -> None:
    """Every audited step of one request, in order."""
    with services_of(settings, "audit") as app:
        entries = queries.trail(app.engine("audit"), reference)
    table = Table(title=f"Audit trail of {reference}")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("when (UTC)", no_wrap=True)
    table.add_column("event")
    table.add_column("summary")
    table.add_column("hash", no_wrap=True)
    for entry in entries:
        table.add_row(str(entry.sequence), entry.occurred_at.strftime("%Y-%m-%d %H:%M"),
                      entry.event_type.removesuffix(".v1"), _brief(entry.summary),
                      entry.entry_hash[:8])
    console.print(table)


def _brief(summary: Mapping[str, object]) -> str:
    """A summary in a few words; per-category lists are counted, not spelled out."""
    words = []
    for key, value in sorted(summary.items()):
        if isinstance(value, list):
            if value and isinstance(value[0], dict):
                value = f"{len(value)} categories"
            else:
                value = ",".join(str(v) for v in value) or "-"
        words.append(f"{key}={value}")
    return " ".join(words)


@click.group()
def register() -> None:
    """The register of requests the regulator (APDP) may ask for."""


def _date(value: datetime) -> date:
    return value.date()


@register.command()
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="First receipt date (inclusive, UTC).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Last receipt date (inclusive, UTC).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; default: standard output.")
@pass_settings
def export(settings: Settings, start: datetime, end: datetime, fmt: str,
           output: Path | None) -> None:
    """Write the register of requests received from --from to --to."""
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    with services_of(settings, "audit") as app, app.engine("audit").connect() as conn:
        text, rows = register_module.export(conn, _date(start), _date(end), fmt,
                                            clients.CLOCK.now())
    if output is None:
        click.echo(text, nl=False)
        shown = errors
    else:
        output.write_text(text, encoding="utf-8")
        shown = console
    shown.print(summary_table(rows, _date(start), _date(end)))
    if output is not None:
        console.print(f"register written to [bold]{output}[/] ({fmt}, {len(rows)} requests)")


def summary_table(rows: list[register_module.RegisterRow], start: date, end: date) -> Table:
    table = Table(title=f"Register {start.isoformat()} to {end.isoformat()} (by receipt)")
    table.add_column("reference", no_wrap=True)
    for column in ("right", "received", "due", "completed", "result", "categories", "breach"):
        table.add_column(column, no_wrap=column in {"received", "due", "completed"})
    for row in rows:
        table.add_row(
            row.reference, row.right or "",
            row.received_at.date().isoformat(), row.due_on.isoformat() if row.due_on else "",
            row.completed_at.date().isoformat() if row.completed_at else "open",
            row.result or "", str(len(row.outcomes)),
            "[bold red]BREACHED[/]" if row.breached else "")
    return table
