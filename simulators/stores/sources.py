"""Where each data category lives in a store's tables, and the set-based queries over them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Select,
    String,
    Table,
    and_,
    false,
    func,
    or_,
    select,
    true,
    update,
)

from contracts.backoffice import Hold, InventoryItem, StoreCommand, StoreOutcome
from contracts.vocabulary import Action, Category, Store
from services.rulebook.categories import terms
from services.rulebook.retention import Retention, as_datetime

Scope = Callable[[Table], ColumnElement[bool]]
"""The rows of one table that belong to the subject."""
Marking = Callable[[Connection, Sequence["Source"], Sequence[Category], Scope, str],
                  list[StoreOutcome]]
"""``restrict`` or ``lift``: what a restriction request does to the subject's rows."""
SqlMask = Callable[[ColumnElement[Any]], ColumnElement[Any]]
"""An SQL expression of a column (a mask, a format), for exports the database serialises."""


HELD, DISPUTED_ITEM = "hold", "dispute"
"""``restricted_by`` of a row kept under a legal hold after an erasure, or of a disputed usage
record: a restriction lift never clears them. A restriction request marks with its reference
the rows nothing else restricts, and its lift clears only those. Rows restricted before the
marker existed were marked ``unknown`` by the migration: no lift clears them either."""


def restriction_columns() -> tuple[Column[bool], Column[str]]:
    """``restricted`` (is the row restricted) and ``restricted_by`` (why: the reference of the
    restriction request, ``HELD``, ``DISPUTED_ITEM``; none while a saga's prepare holds it)."""
    return (Column("restricted", Boolean, nullable=False, default=False,
                   server_default=false()),
            Column("restricted_by", String(40)))


@dataclass(frozen=True)
class Joined:
    """A lookup table joined to a source on ``key`` for its extra ``columns`` (export only)."""

    table: Table
    key: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """One table (or the rows of it that carry ``present`` values) holding one category."""

    category: Category
    table: Table
    at: str | None = None
    columns: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    masks: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    joined: Joined | None = None

    def where(self, scope: Scope) -> ColumnElement[bool]:
        clauses = [scope(self.table)]
        if self.present:
            clauses.append(or_(*(self.table.c[name].is_not(None) for name in self.present)))
        return and_(*clauses)

    def export_query(self, scope: Scope,
                     rendered: Mapping[str, SqlMask] | None = None) -> Select[Any]:
        """The rows to export, in time order; ``rendered`` columns are replaced by an SQL
        expression of them (a mask, a format), under the same name."""
        table = self.table
        columns: list[Any] = ([table.c[name] for name in self.columns] if self.columns
                              else [c for c in table.c if c.key != "restricted_by"])
        source: Any = table
        if self.joined is not None:
            other = self.joined.table
            source = table.outerjoin(other, table.c[self.joined.key] == other.c[self.joined.key])
            columns += [other.c[name] for name in self.joined.columns]
        if rendered:
            columns = [rendered[c.key](c).label(c.key) if c.key in rendered else c
                       for c in columns]
        order = [table.c[self.at]] if self.at else []
        return select(*columns).select_from(source).where(self.where(scope)).order_by(*order)


@dataclass(frozen=True)
class Span:
    """How many records of a category, and the first and last dates among them."""

    records: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def merge(self, other: Span) -> Span:
        firsts = [d for d in (self.first, other.first) if d is not None]
        lasts = [d for d in (self.last, other.last) if d is not None]
        return Span(self.records + other.records, min(firsts, default=None),
                    max(lasts, default=None))


def wanted(command: StoreCommand, offered: Iterable[Category]) -> list[Category]:
    """The store's categories the command targets (all of them when it names none)."""
    requested = set(command.categories)
    return [c for c in dict.fromkeys(offered) if not requested or c in requested]


def span(db: Connection, source: Source, scope: Scope) -> Span:
    return _spans(db, [source], scope)[0]


def spans(db: Connection, sources: Sequence[Source], scope: Scope,
          categories: Iterable[Category]) -> dict[Category, Span]:
    """One span per category, summed over every source of that category."""
    result = {category: Span() for category in categories}
    chosen = [source for source in sources if source.category in result]
    for source, found in zip(chosen, _spans(db, chosen, scope), strict=True):
        result[source.category] = result[source.category].merge(found)
    return result


def _spans(db: Connection, sources: Sequence[Source], scope: Scope) -> list[Span]:
    """Each source's span, in one statement: one aggregate subquery per source (each keeps
    its own column types, which a UNION would not), joined into a single row."""
    if not sources:
        return []
    aggregates = [_aggregate(source, scope).subquery(f"s{index}")
                  for index, source in enumerate(sources)]
    joined: Any = aggregates[0]
    for aggregate in aggregates[1:]:
        joined = joined.join(aggregate, true())
    row = db.execute(select(*(c for a in aggregates for c in a.c)).select_from(joined)).one()
    found, at = [], 0
    for source in sources:
        if source.at:
            found.append(Span(int(row[at]), as_datetime(row[at + 1]), as_datetime(row[at + 2])))
            at += 3
        else:
            found.append(Span(int(row[at])))
            at += 1
    return found


def _aggregate(source: Source, scope: Scope) -> Select[Any]:
    table = source.table
    columns: list[Any] = [func.count().label("records")]
    if source.at:
        columns += [func.min(table.c[source.at]).label("first"),
                    func.max(table.c[source.at]).label("last")]
    return select(*columns).select_from(table).where(source.where(scope))


def inventory(store: Store, counts: Mapping[Category, Span], retention: Retention,
              holds: Callable[[Category], list[Hold]]) -> list[InventoryItem]:
    """What discovery is told: each category the subject has records of, with its legal basis
    and retention from the rulebook's registry, and the holds on it."""
    items = []
    for category, found in counts.items():
        if found.records:
            basis, kept = terms(category, store, retention)
            items.append(InventoryItem(
                store=store, category=category, records=found.records, first_at=found.first,
                last_at=found.last, legal_basis=basis, retention=kept, holds=holds(category)))
    return items


def tables_of(sources: Sequence[Source], categories: Iterable[Category]) -> list[Table]:
    chosen = set(categories)
    return list(dict.fromkeys(s.table for s in sources if s.category in chosen))


def restrict(db: Connection, sources: Sequence[Source], categories: Sequence[Category],
             scope: Scope, by: str, *, reason: str | None = None) -> list[StoreOutcome]:
    """Flag every row of the subject restricted, one UPDATE per table. ``by`` is the
    restriction request's reference (it marks only rows no other reason restricts) or a
    reason, ``HELD`` or ``DISPUTED_ITEM``, that takes the rows over from any request."""
    counts = spans(db, sources, scope, categories)
    for table in tables_of(sources, categories):
        mark(db, table, scope(table), by)
    return [StoreOutcome(category=c, action=Action.RESTRICT, records=counts[c].records,
                         reason=reason) for c in categories if counts[c].records]


def lift(db: Connection, sources: Sequence[Source], categories: Sequence[Category],
         scope: Scope, by: str) -> list[StoreOutcome]:
    """Lift the restriction request ``by``: only the rows it marked are unflagged; rows held
    or disputed stay restricted. The outcome counts the rows the lift unflagged, per
    category: the UPDATE's rowcount for a source that is its whole table, and for a source
    that is only the rows carrying some columns (``present``) those of them the UPDATE is
    about to unflag, counted just before it in the same transaction."""
    def marked(table: Table) -> ColumnElement[bool]:
        return and_(scope(table), table.c.restricted_by == by)

    chosen = [s for s in sources if s.category in set(categories)]
    counts = dict.fromkeys(categories, 0)
    for table in tables_of(sources, categories):
        for source in chosen:
            if source.table is table and source.present:
                counts[source.category] += span(db, source, marked).records
        unflagged = int(db.execute(update(table).where(marked(table))
                                   .values(restricted=False, restricted_by=None)).rowcount)
        for source in chosen:
            if source.table is table and not source.present:
                counts[source.category] += unflagged
    return [StoreOutcome(category=c, action=Action.RESTRICT, records=counts[c],
                         reason="limitation levée") for c in categories if counts[c]]


def mark(db: Connection, table: Table, where: ColumnElement[bool], by: str) -> int:
    """Restrict the rows ``where``, set-based; returns how many."""
    return int(db.execute(update(table).where(where).values(
        restricted=True, restricted_by=marker(table, by))).rowcount)


def marker(table: Table, by: str) -> Any:
    """What ``restricted_by`` becomes: a hold or a dispute takes the row over; a request
    marks it only if nothing restricted it yet (a prepare's temporary flag aside)."""
    if by in (HELD, DISPUTED_ITEM):
        return by
    return func.coalesce(table.c.restricted_by, by)
