"""What the benches read from the CDR store: how many events it holds."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from simulators.cdr.tables import cdr_events


def event_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(cdr_events)).scalar_one())
