"""Access packages: a store streams the subject's rows into one JSONL file, one line a record."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection

from contracts.backoffice import StoreOutcome
from contracts.vocabulary import Action, Category, Store
from simulators.stores.export_copy import (
    MASK,
    copy_lines,
    mask_msisdn_sql,
    mask_rib_sql,
    serialisable,
)
from simulators.stores.sources import Scope, Source, SqlMask

YIELD_PER = 1_000


def mask_msisdn(value: str | None) -> str | None:
    """A third party's number with its middle digits hidden: ``+22376****56``."""
    if not value or len(value) < 8:
        return value
    return value[:6] + MASK * (len(value) - 8) + value[-2:]


def mask_rib(value: str | None) -> str | None:
    """A bank account (RIB) shown but for its last 4 characters."""
    if not value:
        return value
    compact = value.replace(" ", "")
    return MASK * max(len(compact) - 4, 0) + compact[-4:]


SQL_MASKS: dict[Callable[[Any], Any], SqlMask] = {mask_msisdn: mask_msisdn_sql,
                                                  mask_rib: mask_rib_sql}
"""The masks PostgreSQL applies itself when it writes the lines."""


class ExportFile:
    """``exports/<reference>/<store>.jsonl`` under the data directory, written atomically."""

    def __init__(self, data_dir: Path, reference: str, store: Store) -> None:
        self.relative = f"exports/{reference}/{store.value}.jsonl"
        self._store = store.value
        self._path = data_dir / self.relative
        self._partial = self._path.with_suffix(".jsonl.part")
        self.counts: Counter[Category] = Counter()
        self._file: Any = None

    def __enter__(self) -> ExportFile:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self._partial.open("wb")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._file.close()
        if exc_type is None:
            self._partial.replace(self._path)
        else:
            self._partial.unlink(missing_ok=True)

    def head(self, category: Category, source: str) -> str:
        """What each line starts with: ``{"store": …, "category": …, "source": …, "record": ``;
        the record follows, then ``}``."""
        return (f'{{"store": {_text(self._store)}, "category": {_text(category.value)}, '
                f'"source": {_text(source)}, "record": ')

    def write(self, category: Category, source: str, record: Mapping[str, Any]) -> None:
        self.write_rows(category, source, tuple(record), [tuple(record.values())])

    def write_rows(self, category: Category, source: str, columns: Sequence[str],
                   rows: Sequence[Sequence[Any]]) -> None:
        """One line per row, the same text ``json.dumps`` gives, encoded value by value."""
        head = self.head(category, source) + "{"
        keys = [f"{_text(name)}: " for name in columns]
        self.write_bytes("".join([
            head + ", ".join([key + _json(value) for key, value in zip(keys, row, strict=True)])
            + "}}\n" for row in rows]).encode())
        self.counts[category] += len(rows)

    def write_bytes(self, data: bytes) -> None:
        """Whole lines, UTF-8."""
        self._file.write(data)

    def outcomes(self) -> list[StoreOutcome]:
        return [StoreOutcome(category=c, action=Action.EXPORT, records=n)
                for c, n in self.counts.items()]


def export_sources(db: Connection, out: ExportFile, sources: Sequence[Source],
                   categories: Sequence[Category], scope: Scope, *,
                   in_database: bool = True) -> None:
    """Write every row of every source of the chosen categories, masked where required,
    streamed, never all in memory. PostgreSQL writes the lines itself (``export_copy``)
    unless ``in_database`` is false; elsewhere rows come ``YIELD_PER`` at a time from a
    server-side cursor and are encoded here."""
    for source in sources:
        if source.category not in categories:
            continue
        if in_database and serialisable(db, source, SQL_MASKS):
            copy_lines(db, out, source, scope, SQL_MASKS)
            continue
        query = source.export_query(scope)
        result = db.execute(query.execution_options(stream_results=True, yield_per=YIELD_PER))
        columns = list(result.keys())
        masks = [(index, source.masks[name]) for index, name in enumerate(columns)
                 if name in source.masks]
        for batch in result.partitions():
            rows: Sequence[Sequence[Any]] = batch
            if masks:
                rows = [_masked(row, masks) for row in batch]
            out.write_rows(source.category, source.table.name, columns, rows)


def _masked(row: Sequence[Any], masks: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, mask in masks:
        values[index] = mask(values[index])
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")


def _text(value: str) -> str:
    return encode_basestring(value)


def _moment(value: date) -> str:
    return f'"{value.isoformat()}"'


def _number(value: float) -> str:
    return float.__repr__(value) if math.isfinite(value) else json.dumps(value)


_ENCODERS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _: "null",
    float: _number,
    datetime: _moment,
    date: _moment,
}


def _json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, default=_plain)``, faster for plain types."""
    encode = _ENCODERS.get(type(value))
    if encode is None:
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return encode(value)
