"""What the operator's tools read from the audit log: the chain check and one request's trail."""

from __future__ import annotations

from sqlalchemy import Engine, select

from services.audit.chain import Break, Entry, first_break
from services.audit.tables import audit_entries, chain_head


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
