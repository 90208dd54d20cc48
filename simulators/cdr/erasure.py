"""CDR erasure within the subject's holding periods, set-based.

Events split four ways: under an opaque legal obligation (kept), under traffic retention
(the configured months, kept), older but on a blocked stolen IMEI (anonymised but for the IMEI), and
the rest (deleted). Kept rows are flagged restricted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, delete, false, func, or_, select, true
from sqlalchemy import update as sql_update

from contracts.backoffice import Holding, StoreCommand, StoreOutcome, StoreResult
from contracts.vocabulary import Action, Category
from services.rulebook.retention import Retention, outcome
from services.runtime.deps import Deps
from simulators.cdr.sources import (
    CATEGORIES,
    DEVICE,
    LOCATION,
    OPAQUE,
    USAGE,
    CdrHolds,
    cdr_holds,
    holding_scope,
)
from simulators.cdr.tables import cdr_events
from simulators.stores.commands import answer
from simulators.stores.sources import HELD, wanted

ANONYMISED = ("anonymisées: seul le lien entre le numéro et l'IMEI du terminal volé "
              "est conservé")
events = cdr_events


@dataclass(frozen=True)
class Bucket:
    """How many events of one kind of fate carry each category, and the newest of them."""

    events: int
    located: int
    identified: int
    newest: datetime | None

    def of(self, category: Category) -> int:
        return {USAGE: self.events, LOCATION: self.located, DEVICE: self.identified}[category]


@dataclass(frozen=True)
class Fates:
    ordered: ColumnElement[bool]
    retained: ColumnElement[bool]
    stolen: ColumnElement[bool]
    erased: ColumnElement[bool]


def erase(command: StoreCommand, deps: Deps) -> StoreResult:
    categories = wanted(command, CATEGORIES)
    holds = cdr_holds(deps.db, command.holdings, deps.now(), Retention.of(deps.settings))
    fates = _fates(command.holdings, holds)
    counts = {name: _count(deps.db, getattr(fates, name))
              for name in ("ordered", "retained", "stolen", "erased")}
    _apply(deps.db, fates, categories)
    outcomes: list[StoreOutcome] = []
    for category in categories:
        outcomes += _outcomes(category, counts, holds.retention)
    return answer(command, outcomes=outcomes)


def _fates(holdings: list[Holding], holds: CdrHolds) -> Fates:
    scope = holding_scope(holdings)(events)
    ordered = (events.c.msisdn.in_(holds.requisition_msisdns) if holds.requisition_msisdns
               else false())
    recent = events.c.started_at >= holds.cutoff
    stolen = events.c.imei.in_(holds.stolen_imeis) if holds.stolen_imeis else false()
    not_stolen = (or_(events.c.imei.is_(None), events.c.imei.not_in(holds.stolen_imeis))
                  if holds.stolen_imeis else true())
    old = and_(scope, ~ordered, ~recent)
    return Fates(ordered=and_(scope, ordered), retained=and_(scope, ~ordered, recent),
                 stolen=and_(old, stolen), erased=and_(old, not_stolen))


def _count(db: Connection, where: ColumnElement[bool]) -> Bucket:
    row = db.execute(select(func.count(), func.count(events.c.cell_id), func.count(events.c.imei),
                            func.max(events.c.started_at)).where(where)).one()
    return Bucket(int(row[0]), int(row[1]), int(row[2]), row[3])


def _apply(db: Connection, fates: Fates, categories: list[Category]) -> None:
    """One statement per fate: delete or clear what goes, restrict what stays."""
    if USAGE in categories:
        db.execute(delete(events).where(fates.erased))
        _set(db, fates.stolen, counterpart=None, cell_id=None, ip_address=None)
    else:
        cleared = {**({"cell_id": None} if LOCATION in categories else {}),
                   **({"imei": None} if DEVICE in categories else {})}
        if cleared:
            db.execute(sql_update(events).where(fates.erased).values(**cleared))
            _set(db, fates.stolen, **{k: v for k, v in cleared.items() if k != "imei"})
    db.execute(sql_update(events).where(or_(fates.ordered, fates.retained, fates.stolen))
               .values(restricted=True, restricted_by=HELD))


def _set(db: Connection, where: ColumnElement[bool], **values: Any) -> None:
    db.execute(sql_update(events).where(where).values(restricted=True, restricted_by=HELD,
                                                      **values))


def _outcomes(category: Category, counts: dict[str, Bucket],
              retention: Retention) -> list[StoreOutcome]:
    erased, stolen = counts["erased"], counts["stolen"]
    kept, ordered = counts["retained"], counts["ordered"]
    found: list[StoreOutcome] = []
    gone = erased.of(category) + (stolen.of(category) if category is LOCATION else 0)
    if gone:
        found.append(outcome(category, Action.ERASE, gone))
    if stolen.of(category) and category is USAGE:
        found.append(outcome(category, Action.ANONYMISE, stolen.events, ANONYMISED))
    if stolen.of(category) and category is DEVICE:
        found.append(retention.retained(category, stolen.identified, "stolen_device"))
    if kept.of(category) and kept.newest:
        found.append(retention.retained(category, kept.of(category), "traffic_retention",
                                        retention.traffic_kept_until(kept.newest)))
    if ordered.of(category):
        found.append(retention.retained(category, ordered.of(category), OPAQUE))
    return found
