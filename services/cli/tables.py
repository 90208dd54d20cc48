"""Tables people can read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table

from contracts.status import StatusReply


def status_table(replies: Iterable[StatusReply], title: str = "Requests") -> Table:
    table = Table(title=title)
    for column in ("reference", "right", "state", "due", "outcome per category"):
        table.add_column(column)
    for reply in replies:
        outcome = ", ".join(f"{c}: {a}" for c, a in sorted(reply.outcomes.items()))
        table.add_row(reply.reference, reply.right or "", reply.state or "",
                      reply.due_on.isoformat() if reply.due_on else "",
                      outcome or (reply.reason or ""))
    return table


def counts_table(counts: Mapping[str, int], title: str = "Seeded rows") -> Table:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    return table
