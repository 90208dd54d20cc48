"""Access packages: a store streams the subject's rows into one JSONL file, one line a record."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, RowMapping, Select

from contracts.backoffice import StoreOutcome
from contracts.vocabulary import Action, Category, Store
from services.stores.sources import Scope, Source

YIELD_PER = 1_000
MASK = "*"


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


def stream(db: Connection, query: Select[Any]) -> Iterator[RowMapping]:
    """Rows fetched in batches with a server-side cursor, never all in memory."""
    result = db.execute(query.execution_options(stream_results=True, yield_per=YIELD_PER))
    yield from result.mappings()


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
        self._file = self._partial.open("w", encoding="utf-8")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._file.close()
        if exc_type is None:
            self._partial.replace(self._path)
        else:
            self._partial.unlink(missing_ok=True)

    def write(self, category: Category, source: str, record: Mapping[str, Any]) -> None:
        line = {"store": self._store, "category": category.value, "source": source,
                "record": dict(record)}
        self._file.write(json.dumps(line, ensure_ascii=False, default=_plain) + "\n")
        self.counts[category] += 1

    def outcomes(self) -> list[StoreOutcome]:
        return [StoreOutcome(category=c, action=Action.EXPORT, records=n)
                for c, n in self.counts.items()]


def export_sources(db: Connection, out: ExportFile, sources: Sequence[Source],
                   categories: Sequence[Category], scope: Scope) -> None:
    """Write every row of every source of the chosen categories, masked where required."""
    for source in sources:
        if source.category not in categories:
            continue
        for row in stream(db, source.export_query(scope)):
            record = {key: source.masks[key](value) if key in source.masks else value
                      for key, value in row.items()}
            out.write(source.category, source.table.name, record)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")
