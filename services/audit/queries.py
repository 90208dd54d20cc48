"""What the operator's tools read from the audit log: the chain check, one request's trail,
and the register's figures for the DPO's dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, func, select

from services.audit.chain import Break, Entry, first_break
from services.audit.tables import audit_entries, chain_head, register


def check_chain(engine: Engine) -> tuple[int, Break | None]:
    """How many entries the log holds, and where the chain first breaks (None: intact)."""
    with engine.connect() as conn:
        head = conn.execute(select(chain_head.c.last_sequence, chain_head.c.last_hash)
                            .where(chain_head.c.id == 1)).first()
        result = conn.execute(select(audit_entries).order_by(audit_entries.c.sequence))
        entries = [Entry.from_row(dict(row._mapping)) for row in result]
    return len(entries), first_break(entries, (head[0], head[1]) if head else None)


def trail(engine: Engine, reference: str) -> list[Entry]:
    """Every audited step of ``reference``, in order."""
    t = audit_entries.c
    query = select(audit_entries).where(t.reference == reference).order_by(t.sequence)
    with engine.connect() as conn:
        return [Entry.from_row(dict(row._mapping)) for row in conn.execute(query)]


class Answered(NamedTuple):
    """The register's figures for the DPO: breaches in a period, and how long requests
    completed in it took to answer (median and 95th percentile, in days)."""

    breaches: int
    answered: int
    median_days: float | None
    p95_days: float | None


def answered_between(engine: Engine, start: datetime, end: datetime) -> Answered:
    """Breaches recorded and requests completed from ``start`` (inclusive) to ``end``."""
    t = register.c
    breached = select(func.count()).where(t.breached_at >= start, t.breached_at < end)
    done = (t.completed_at >= start, t.completed_at < end, t.received_at.is_not(None))
    with engine.connect() as conn:
        breaches = int(conn.execute(breached).scalar_one())
        if conn.dialect.name == "postgresql":
            seconds = func.extract("epoch", t.completed_at - t.received_at)
            count, median, p95 = conn.execute(select(
                func.count(), func.percentile_cont(0.5).within_group(seconds),
                func.percentile_cont(0.95).within_group(seconds)).where(*done)).one()
            return Answered(breaches, int(count), _days(median), _days(p95))
        spans = sorted((c - r).total_seconds() for r, c in conn.execute(
            select(t.received_at, t.completed_at).where(*done)))
    return Answered(breaches, len(spans), _days(_percentile(spans, 0.5)),
                    _days(_percentile(spans, 0.95)))


def _percentile(ordered: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's ``percentile_cont``."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / 86_400, 1)
