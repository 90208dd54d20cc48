"""Reading the stores' export files (``exports/<reference>/<store>.jsonl``, one record a line)
line by line, twice: once to count and summarise, once to write, one category at a time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.vocabulary import Category, Store
from services.access_package.catalogue import MASKED_FIELDS, MONTHLY, NEVER_EXPORTED_SOURCES
from services.access_package.summary import MonthlySummary

MASK = "*"
HEAD = re.compile(rb'\{"store": "([a-z_]+)", "category": "([a-z_]+)", "source": "([a-z_]+)", '
                  rb'"record": \{')
"""What every line the stores write starts with (``simulators/stores/exports.ExportFile.head``)."""


class ExportError(Exception):
    """An export file is not what the stores write: missing, malformed, or unmasked."""


@dataclass(frozen=True)
class Run:
    """Consecutive lines of one file holding one source's records of one category."""

    path: Path
    start: int
    end: int
    store: str
    source: str


@dataclass
class Index:
    """Where each category's records are, how many, and the monthly summaries."""

    runs: dict[Category, list[Run]] = field(default_factory=dict)
    counts: dict[Category, int] = field(default_factory=dict)
    summaries: dict[Category, MonthlySummary] = field(default_factory=dict)


def export_files(directory: Path) -> list[Path]:
    """The stores' files of one request, in the stores' order."""
    if not directory.is_dir():
        raise ExportError(f"no export directory {directory.name}")
    order = {store.value: index for index, store in enumerate(Store)}
    return sorted(directory.glob("*.jsonl"), key=lambda p: (order.get(p.stem, len(order)), p.name))


def index_exports(files: list[Path]) -> Index:
    """First pass: runs, counts and monthly summaries, a line at a time."""
    index = Index()
    for path in files:
        current: tuple[Category, str] | None = None
        start = offset = 0
        store = ""
        with path.open("rb") as file:
            for raw in file:
                line_store, category, source = _head(raw, path)
                key = None if source in NEVER_EXPORTED_SOURCES else (category, source)
                if key != current:
                    _close_run(index, path, current, start, offset, store)
                    current, start, store = key, offset, line_store
                offset += len(raw)
                if key is None:
                    continue
                index.counts[category] = index.counts.get(category, 0) + 1
                if category in MONTHLY and line_store == Store.CDR.value:
                    summary = index.summaries.setdefault(category, MonthlySummary(category))
                    summary.add(_parse(raw, path)["record"])
            _close_run(index, path, current, start, offset, store)
    return index


def records(run: Run) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """Second pass: the lines of one run (as written, without their newline) and their
    records, each checked for the stores' masks."""
    with run.path.open("rb") as file:
        file.seek(run.start)
        offset = run.start
        for raw in file:
            if offset >= run.end:
                return
            offset += len(raw)
            record: dict[str, Any] = _parse(raw, run.path)["record"]
            _check_masked(record, run)
            yield raw.rstrip(b"\n"), record


def _head(raw: bytes, path: Path) -> tuple[str, Category, str]:
    found = HEAD.match(raw)
    if found is None or not raw.endswith(b"}}\n"):
        raise ExportError(f"{path.name}: a line is not an export record")
    try:
        category = Category(found[2].decode())
    except ValueError as error:
        raise ExportError(f"{path.name}: unknown category {found[2]!r}") from error
    return found[1].decode(), category, found[3].decode()


def _close_run(index: Index, path: Path, key: tuple[Category, str] | None, start: int,
               end: int, store: str) -> None:
    if key is not None and end > start:
        index.runs.setdefault(key[0], []).append(Run(path, start, end, store, key[1]))


def _parse(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        line: dict[str, Any] = json.loads(raw)
        Category(line["category"])
        if not isinstance(line["record"], dict) or "store" not in line or "source" not in line:
            raise KeyError("store, source or record")
    except (ValueError, KeyError, TypeError) as error:
        raise ExportError(f"{path.name}: a line is not an export record ({error})") from error
    return line


def masked_msisdn(value: object) -> bool:
    """``+22376****56``: a third party's number with its middle hidden (or too short to)."""
    if value is None or (isinstance(value, str) and len(value) < 8):
        return True
    return isinstance(value, str) and set(value[6:-2]) == {MASK}


def masked_rib(value: object) -> bool:
    """All but the last 4 characters hidden."""
    if value is None or value == "":
        return True
    return isinstance(value, str) and set(value[:-4]) <= {MASK}


_CHECKS = {"msisdn": masked_msisdn, "rib": masked_rib}


def _check_masked(record: dict[str, Any], run: Run) -> None:
    """The stores mask when they export; a value they did not is refused, not re-masked."""
    for name, kind in MASKED_FIELDS.items():
        if name in record and not _CHECKS[kind](record[name]):
            raise ExportError(f"{run.path.name}: {run.source}.{name} is not masked")
