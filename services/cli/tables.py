"""Tables people can read."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from rich.table import Table
from sqlalchemy import Engine, select

from contracts.status import StatusReply
from services.intake.tables import rejected_intakes


def status_table(replies: Iterable[StatusReply], title: str = "Requests") -> Table:
    table = Table(title=title)
    for column in ("reference", "right", "state", "due", "note"):
        table.add_column(column)
    for reply in replies:
        note = reply.reason or ""
        if reply.breached:
            note = f"DEADLINE BREACHED {note}".strip()
        table.add_row(reply.reference, reply.right or "", reply.state or "",
                      reply.due_on.isoformat() if reply.due_on else "", note)
    return table


def outcomes_table(replies: Iterable[StatusReply], title: str = "Outcome per category") -> Table:
    table = Table(title=title)
    for column in ("reference", "category", "store", "action", "records", "why / until"):
        table.add_column(column, justify="right" if column == "records" else "left")
    for reply in replies:
        for o in reply.outcomes:
            why = " ".join(filter(None, [o.reason, o.kept_until.isoformat()
                                         if o.kept_until else None]))
            table.add_row(reply.reference, o.category, o.store, o.action, str(o.records), why)
    return table


def counts_table(counts: Mapping[str, int], title: str = "Seeded rows") -> Table:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    return table


def rejections_table(intake_engine: Engine) -> Table:
    """Intakes refused at the front door, with the reason given back to the channel."""
    table = Table(title="Rejected intakes")
    table.add_column("channel reference")
    table.add_column("field")
    table.add_column("what was wrong")
    with intake_engine.connect() as conn:
        for row in conn.execute(select(rejected_intakes)):
            for field, problem in json.loads(row.problems):
                table.add_row(row.channel_reference or "(unknown)", field, problem)
    return table
