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
    Table,
    and_,
    false,
    func,
    or_,
    select,
    update,
)

from contracts.backoffice import StoreCommand, StoreOutcome
from contracts.vocabulary import Action, Category
from services.stores.retention import as_datetime

Scope = Callable[[Table], ColumnElement[bool]]
"""The rows of one table that belong to the subject."""
SqlMask = Callable[[ColumnElement[Any]], ColumnElement[Any]]
"""An SQL expression of a column (a mask, a format), for exports the database serialises."""


def restricted_column() -> Column[bool]:
    return Column("restricted", Boolean, nullable=False, default=False, server_default=false())


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
                              else list(table.c))
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
    table = source.table
    columns: list[Any] = [func.count()]
    if source.at:
        columns += [func.min(table.c[source.at]), func.max(table.c[source.at])]
    row = db.execute(select(*columns).select_from(table).where(source.where(scope))).one()
    if not source.at:
        return Span(int(row[0]))
    return Span(int(row[0]), as_datetime(row[1]), as_datetime(row[2]))


def spans(db: Connection, sources: Sequence[Source], scope: Scope,
          categories: Iterable[Category]) -> dict[Category, Span]:
    """One span per category, summed over every source of that category."""
    result = {category: Span() for category in categories}
    for source in sources:
        if source.category in result:
            result[source.category] = result[source.category].merge(span(db, source, scope))
    return result


def tables_of(sources: Sequence[Source], categories: Iterable[Category]) -> list[Table]:
    chosen = set(categories)
    return list(dict.fromkeys(s.table for s in sources if s.category in chosen))


def restrict(db: Connection, sources: Sequence[Source], categories: Sequence[Category],
             scope: Scope, flag: bool) -> list[StoreOutcome]:
    """Set (or lift) the restricted flag on every row of the subject, one UPDATE per table."""
    counts = spans(db, sources, scope, categories)
    for table in tables_of(sources, categories):
        db.execute(update(table).where(scope(table)).values(restricted=flag))
    reason = None if flag else "limitation levée"
    return [StoreOutcome(category=c, action=Action.RESTRICT, records=counts[c].records,
                         reason=reason) for c in categories if counts[c].records]
