"""Bulk loading for the seeders: executemany batches of thousands, one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Table, delete, insert

BATCH_SIZE = 5_000


_FIELDS: dict[type, tuple[str, ...]] = {}


def field_names(kind: type) -> tuple[str, ...]:
    """The fields of a record type (a NamedTuple or a dataclass): the table's columns."""
    names = _FIELDS.get(kind)
    if names is None:
        named: tuple[str, ...] | None = getattr(kind, "_fields", None)
        names = _FIELDS[kind] = named or tuple(f.name for f in fields(kind))
    return names


def as_row(record: Any) -> dict[str, Any]:
    """A generator record (its fields are the table's columns) as a row."""
    return {name: getattr(record, name) for name in field_names(type(record))}


class BulkWriter:
    """Buffers rows per table and inserts them with executemany, ``batch_size`` at a time."""

    def __init__(self, db: Connection, batch_size: int = BATCH_SIZE) -> None:
        self._db = db
        self._batch_size = batch_size
        self._pending: dict[Table, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: Table, record: Any) -> None:
        rows = self._pending.setdefault(table, [])
        rows.append(as_row(record))
        if len(rows) >= self._batch_size:
            self._flush(table)

    def add_all(self, table: Table, records: Iterable[Any]) -> None:
        for record in records:
            self.add(table, record)

    def flush(self) -> dict[str, int]:
        for table in list(self._pending):
            self._flush(table)
        return self.counts

    def _flush(self, table: Table) -> None:
        rows = self._pending.pop(table, [])
        if rows:
            self._db.execute(insert(table), rows)
            self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)


def clear(db: Connection, tables: Iterable[Table]) -> None:
    """Empty the given tables before a fresh load."""
    for table in tables:
        db.execute(delete(table))
