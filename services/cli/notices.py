"""What happens to notices after they leave: the mail room's confirmation of letters and the
call centre's list of customers to phone."""

from __future__ import annotations

import getpass

import click
from rich.console import Console
from rich.table import Table

from services.bootstrap import delivery_ledger, services_of
from services.cli import clients
from services.cli.context import pass_settings
from services.notification.calls import mark_called
from services.notification.queries import calls_due
from services.runtime.settings import Settings

console = Console()


@click.group()
def post() -> None:
    """Letters in the print room (DSR_PRINT_ROOM_DIR)."""


@post.command()
@click.argument("notice_ids", nargs=-1, required=True)
@click.option("--by", default=getpass.getuser, show_default="your login",
              help="Who in the mail room confirms (recorded in the audit trail).")
@pass_settings
def confirm(settings: Settings, notice_ids: tuple[str, ...], by: str) -> None:
    """The mail room confirms these letters (notice ids, as in manifest.tsv) were posted."""
    with services_of(settings, "delivery") as app:
        ledger = delivery_ledger(app)
        for notice_id in notice_ids:
            done = ledger.confirmed(notice_id, by)
            console.print(f"{notice_id}: " + ("delivered" if done else
                                              "[yellow]not a letter waiting for the post"))
    console.print("the delivery worker's relay publishes the change (dsr run --worker delivery)")


@click.command()
@click.option("--all", "include_done", is_flag=True, help="Also those already called.")
@click.option("--called", "called", metavar="REFERENCE",
              help="The customer of REFERENCE was phoned and told: mark its lines called.")
@click.option("--by", default=getpass.getuser, show_default="your login",
              help="The agent who made the call.")
@click.option("--note", default="", help="What the customer said, for the record.")
@pass_settings
def calls(settings: Settings, include_done: bool, called: str | None, by: str,
          note: str) -> None:
    """Customers the call centre must phone: SMS held until identity is verified or for a
    number no longer theirs, and SMS that failed for good with no postal address."""
    with services_of(settings, "notification") as app:
        engine = app.engine("notification")
        if called:
            told = mark_called(engine, settings, clients.CLOCK, called, by, note)
            console.print(f"{called}: " + (f"called about {', '.join(told)}" if told else
                                           "[yellow]nothing on the call list to call about"))
            if told:
                console.print("the notification worker's relay publishes the call "
                              "(dsr run --worker notification)")
            return
        rows = calls_due(engine, include_done)
    table = Table(title="Call list (7400)")
    for column in ("reference", "notice", "why", "listed", "called", "by"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["reference"], row["kind"], row["reason"],
                      row["listed_at"].strftime("%Y-%m-%d %H:%M"),
                      row["called_at"].strftime("%Y-%m-%d %H:%M") if row["called_at"] else "",
                      row["called_by"] or "")
    console.print(table)
