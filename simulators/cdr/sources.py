"""CDR categories (all in ``cdr_events``), the holding-period scope, and the CDR's holds.

Number recycling (rulebook §4): a subject's events are only those on their MSISDNs *during
the periods they held them*; every query here goes through ``holding_scope``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Table, and_, false, func, or_, select

from contracts.backoffice import Hold, Holding
from contracts.vocabulary import Category
from services.rulebook.retention import Retention, aware
from simulators.cdr.tables import cdr_events, cells, holds
from simulators.stores.exports import mask_msisdn
from simulators.stores.sources import Joined, Scope, Source

USAGE, LOCATION, DEVICE = Category.CONNECTION_USAGE, Category.LOCATION, Category.DEVICE
SOURCES = (
    Source(USAGE, cdr_events, "started_at",
           ("id", "msisdn", "kind", "counterpart", "started_at", "duration_s", "volume_kb",
            "ip_address", "restricted"), masks={"counterpart": mask_msisdn}),
    Source(LOCATION, cdr_events, "started_at", ("id", "started_at", "cell_id", "restricted"),
           ("cell_id",), joined=Joined(cells, "cell_id", ("town", "region", "lat", "lon"))),
    Source(DEVICE, cdr_events, "started_at", ("id", "started_at", "imei", "restricted"),
           ("imei",)),
)
CATEGORIES = (USAGE, LOCATION, DEVICE)
STOLEN_DEVICE, REQUISITION = "stolen_device", "requisition"
OPAQUE = "legal_obligation"


def holding_scope(holdings: Sequence[Holding]) -> Scope:
    """Events on each held MSISDN within [held_from, held_until)."""
    def scope(table: Table) -> ColumnElement[bool]:
        periods = [and_(table.c.msisdn == h.msisdn, table.c.started_at >= aware(h.held_from),
                        *([table.c.started_at < aware(h.held_until)] if h.held_until else []))
                   for h in holdings]
        return or_(*periods) if periods else false()
    return scope


def disclosed_scope(holdings: Sequence[Holding], cutoff: datetime) -> Scope:
    """What the subject is shown: their holding periods, less the traffic older than
    ``cutoff`` on a number they no longer hold. Once the number is gone with its contract,
    only the legal retention of traffic keeps its events, and that has run out for these
    (rulebook §5): they are never disclosed, and an erasure deletes them."""
    kept = [h if h.held_until is None else h.model_copy(
        update={"held_from": max(aware(h.held_from), cutoff)}) for h in holdings]
    return holding_scope([h for h in kept
                          if h.held_until is None or h.held_from < aware(h.held_until)])


@dataclass(frozen=True)
class CdrHolds:
    """Active holds touching the subject's events. Requisitions stay internal: outside this
    module they are only ever a ``legal_obligation``."""

    stolen_imeis: tuple[str, ...]
    requisition_msisdns: tuple[str, ...]
    newest: datetime | None
    cutoff: datetime
    retention: Retention

    def on(self, category: Category) -> list[Hold]:
        found = []
        if self.newest and self.newest >= self.cutoff:
            found.append(Hold(kind="traffic_retention",
                              until=self.retention.traffic_kept_until(self.newest)))
        if category is DEVICE and self.stolen_imeis:
            found.append(Hold(kind=STOLEN_DEVICE))
        if self.requisition_msisdns:
            found.append(Hold(kind=OPAQUE))
        return found


def cdr_holds(db: Connection, holdings: Sequence[Holding], now: datetime,
              retention: Retention) -> CdrHolds:
    scope = holding_scope(holdings)(cdr_events)
    active = and_(holds.c.held_from <= now,
                  or_(holds.c.held_until.is_(None), holds.c.held_until > now))
    seen_imeis = select(cdr_events.c.imei).where(scope, cdr_events.c.imei.is_not(None))
    stolen = db.execute(select(holds.c.imei).distinct().where(
        active, holds.c.kind == STOLEN_DEVICE, holds.c.imei.in_(seen_imeis))).scalars().all()
    msisdns = sorted({h.msisdn for h in holdings})
    ordered = db.execute(select(holds.c.msisdn).distinct().where(
        active, holds.c.kind == REQUISITION, holds.c.msisdn.in_(msisdns))).scalars().all()
    newest = db.execute(select(func.max(cdr_events.c.started_at)).where(scope)).scalar_one()
    return CdrHolds(tuple(i for i in stolen if i), tuple(m for m in ordered if m), newest,
                    retention.traffic_cutoff(now), retention)
