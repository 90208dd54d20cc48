"""Tables people can read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table

from contracts.status import StatusReply
from services.cli.submission import Registration
from services.intake.queries import Rejection

#: ``DSR-2026-000001``: a reference is never wrapped nor cut, whatever the terminal's width.
REFERENCE_WIDTH = 15


def add_reference_column(table: Table, header: str = "reference") -> None:
    table.add_column(header, no_wrap=True, min_width=REFERENCE_WIDTH)


def deadline_of(reply: StatusReply) -> str:
    if reply.breached:
        return "breached"
    return "escalated" if reply.escalated else ""


def status_table(replies: Iterable[StatusReply], title: str = "Requests") -> Table:
    """Staff-facing: every column in English (the note is the back office's own reason)."""
    table = Table(title=title)
    add_reference_column(table)
    for column in ("right", "state", "due", "deadline", "note"):
        table.add_column(column, no_wrap=column != "note")
    for reply in replies:
        table.add_row(reply.reference, reply.right or "", reply.state or "",
                      reply.due_on.isoformat() if reply.due_on else "", deadline_of(reply),
                      reply.reason or "")
    return table


def outcomes_table(replies: Iterable[StatusReply], title: str = "Outcome per category") -> Table:
    """One row per category and store (staff-facing); what the customer was told, in French,
    is in ``reasons_table``."""
    replies = list(replies)
    table = Table(title=title)
    add_reference_column(table)
    for column in ("category", "store", "action"):
        table.add_column(column, overflow="fold")
    table.add_column("records", justify="right")
    table.add_column("kept until", no_wrap=True)
    for reply in replies:
        for o in reply.outcomes:
            table.add_row(reply.reference, o.category, o.store, o.action, str(o.records),
                          o.kept_until.isoformat() if o.kept_until else "")
    return table


def reasons_table(replies: Iterable[StatusReply],
                  title: str = "Told the customer (in French)") -> Table:
    """The customer's reasons, as sent: French only, one row per reason and reference."""
    table = Table(title=title)
    add_reference_column(table)
    table.add_column("catégories", overflow="fold")
    table.add_column("motif communiqué au client")
    for reply in replies:
        by_reason: dict[str, list[str]] = {}
        for o in reply.outcomes:
            if o.reason and o.category not in by_reason.setdefault(o.reason, []):
                by_reason[o.reason].append(o.category)
        for reason, categories in by_reason.items():
            table.add_row(reply.reference, ", ".join(categories), reason)
    return table


def duplicates_table(registrations: Iterable[Registration]) -> Table:
    """Intakes for a channel reference already registered: nothing new was registered."""
    table = Table(title="Duplicate intakes")
    table.add_column("channel reference", no_wrap=True)
    add_reference_column(table, "already registered as")
    table.add_column("what became of it")
    for r in registrations:
        table.add_row(r.channel_reference, r.reference or "",
                      "duplicate: not registered again" if r.duplicate else r.describe())
    return table


def counts_table(counts: Mapping[str, int], title: str = "Seeded rows") -> Table:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    return table


def rejections_table(rejections: Iterable[Rejection]) -> Table:
    """Intakes refused at the front door, with the reason given back to the channel."""
    table = Table(title="Rejected intakes")
    table.add_column("channel reference")
    table.add_column("field")
    table.add_column("what was wrong")
    for r in rejections:
        table.add_row(r.channel_reference or "(unknown)", r.field, r.problem)
    return table


def notices_table(reply: StatusReply) -> Table:
    """Each notice sent to the customer and where it stands with its gateway."""
    table = Table(title=f"Notices of {reply.reference}")
    for column in ("notice", "medium", "state", "since"):
        table.add_column(column, no_wrap=True)
    colours = {"delivered": "green", "failed": "red", "expired": "red"}
    for notice in reply.notices:
        state = notice.state.value
        shown = f"[{colours[state]}]{state}[/]" if state in colours else state
        table.add_row(notice.kind.value, notice.medium.value, shown,
                      notice.at.strftime("%Y-%m-%d %H:%M:%S"))
    return table
