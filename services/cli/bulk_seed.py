"""Seed the three stores at operator scale: PostgreSQL ``COPY … FROM STDIN`` per table.

Everything streams from the population's generators into COPY streams (binary format), one
connection per table, so memory stays flat whatever the number of rows. Secondary indexes
are dropped for the load and rebuilt after it, then the tables are vacuumed and analysed.
On SQLite the stores' own batched loaders are used instead.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from itertools import islice
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Index, Table

from services.bootstrap import bootstrap
from services.cli.seeding import load_population
from services.runtime.settings import Settings
from services.workers import STORES
from simulators.cdr import seed as cdr_seed
from simulators.population.activity import traffic_windows
from simulators.population.demo import SubjectPlan, demo_subjects
from simulators.population.generator import Population, build_population, draw_subject
from simulators.population.records import CdrEvent
from simulators.stores.bulk import field_names
from simulators.stores.registry import store_service

HEAVY_AT_SCALE = 100_000  # CDR events of each heavy user (CM-100015) in a scale seed
INTERLEAVE = 1_000  # subjects whose events are written in turn, as a store filled over time
EVENTS_PER_TICK = 10_000


def seed_at_scale(settings: Settings, subscribers: int, cdr_rows: int,
                  console: Console | None = None, *, seed: int = 7400, prefix: str = "",
                  now: datetime | None = None) -> dict[str, int]:
    """Seed ``subscribers`` generated subscribers (plus the demo subjects) and at least
    ``cdr_rows`` CDR events, ``HEAVY_AT_SCALE`` of them the heavy user's. Each store goes to
    the database ``prefix + store`` (a PostgreSQL schema, or a SQLite file). Returns rows
    written per ``store.table``."""
    heavy = min(HEAVY_AT_SCALE, cdr_rows)
    population = build_population(seed, subscribers, 0, now, heavy_cdr_events=heavy)
    if not settings.database_url:
        ordinary = sum(_shares(plan, population.now) for plan in population.plans())
        per = math.ceil(max(cdr_rows - heavy, 0) / max(ordinary, 1))
        return load_population(settings, replace(population, cdr_per_subscriber=per), console,
                               prefix)
    url = (settings.database_dsn or "").replace("postgresql+psycopg://", "postgresql://", 1)
    schemas = {store: prefix + store for store in STORES}
    bootstrap(settings, names=STORES, configure_logs=False, prefix=prefix).dispose()  # schemas
    seeds = {store: store_service(store) for store in STORES}
    with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console,
                  disable=console is None) as progress:
        loaded = {store: [*seeds[store].filled] for store in STORES}
        _truncate(url, schemas, {s: [*seeds[s].cleared] for s in STORES})
        indexes = {store: [i for t in loaded[store] for i in t.indexes] for store in STORES}
        _drop_indexes(url, schemas, indexes)
        try:
            counts, ordinary = _copy_subjects(url, schemas, population, progress)
            counts.update(_copy_events(url, schemas["cdr"], population, cdr_rows, ordinary,
                                       progress))
        finally:
            _create_indexes(url, schemas, indexes, progress)
        _vacuum(url, schemas, loaded, progress)
    return dict(counts)


class CopyStreams:
    """Binary ``COPY … FROM STDIN`` into the tables of one schema, each on its own connection,
    all open together; each commits when the streams close without an error."""

    def __init__(self, url: str, schema: str) -> None:
        self._url = url
        self._schema = schema
        self._stack = ExitStack()
        self._copies: dict[Table, psycopg.Copy] = {}
        self.counts: Counter[str] = Counter()

    def __enter__(self) -> CopyStreams:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stack.__exit__(exc_type, exc, tb)

    def write_all(self, table: Table, records: Iterable[tuple[Any, ...]]) -> int:
        """Copy generator records (NamedTuples whose fields are columns); returns how many."""
        written = 0
        copy = self._copies.get(table)
        for record in records:
            if copy is None:
                copy = self._open(table, field_names(type(record)))
            copy.write_row(record)
            written += 1
        self.counts[table.name] += written
        return written

    def _open(self, table: Table, columns: tuple[str, ...]) -> psycopg.Copy:
        conn = self._stack.enter_context(psycopg.connect(self._url))
        types: dict[str, int] = dict(conn.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            (f'"{self._schema}"."{table.name}"',)).fetchall())
        statement = sql.SQL("COPY {}.{} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(self._schema), sql.Identifier(table.name),
            sql.SQL(", ").join(map(sql.Identifier, columns)))
        copy = self._copies[table] = self._stack.enter_context(conn.cursor().copy(statement))
        copy.set_types([types[name] for name in columns])
        return copy


def _copy_subjects(url: str, schemas: dict[str, str], population: Population,
                   progress: Progress) -> tuple[Counter[str], int]:
    """Every subject drawn once, its records copied into the three stores; returns the rows
    per table and how many ordinary subscribers' worth of traffic to draw events for."""
    seeds = {store: store_service(store) for store in STORES}
    task = progress.add_task("subscribers (CRM, billing)",
                             total=len(demo_subjects()) + population.subscribers)
    ordinary = 0
    with ExitStack() as stack:
        streams = {store: stack.enter_context(CopyStreams(url, schema))
                   for store, schema in schemas.items()}
        for table, records in cdr_seed.network_rows(population):
            streams["cdr"].write_all(table, records)
        for plan in population.plans():
            subject = draw_subject(plan, population.seed, population.now)
            for store, stream in streams.items():
                for table, records in seeds[store].subject_rows(subject):
                    stream.write_all(table, records)
            ordinary += _shares(plan, population.now)
            progress.advance(task)
    counts: Counter[str] = Counter()
    for store, stream in streams.items():
        counts.update({f"{store}.{name}": n for name, n in stream.counts.items()})
    return counts, ordinary


def _shares(plan: SubjectPlan, now: datetime) -> int:
    """How many ordinary subscribers' worth of CDR events are drawn for the subject: none
    for a heavy user or one without a number in use lately."""
    return plan.traffic if not plan.heavy and traffic_windows(plan.holdings, now) else 0


def _copy_events(url: str, schema: str, population: Population, cdr_rows: int, ordinary: int,
                 progress: Progress) -> Counter[str]:
    heavy = sum(1 for plan in demo_subjects() if plan.heavy) * population.heavy_cdr_events
    per = math.ceil(max(cdr_rows - heavy, 0) / ordinary) if ordinary else 0
    population = replace(population, cdr_per_subscriber=per)
    task = progress.add_task("CDR events", total=heavy + per * ordinary)
    with CopyStreams(url, schema) as stream:
        events = interleaved(population.cdr_streams(), INTERLEAVE)
        while stream.write_all(cdr_seed.EVENTS, islice(events, EVENTS_PER_TICK)):
            progress.update(task, completed=sum(stream.counts.values()))
    return Counter({f"cdr.{name}": n for name, n in stream.counts.items()})


def interleaved(streams: Iterator[Iterator[CdrEvent]], width: int) -> Iterator[CdrEvent]:
    """Events of ``width`` subjects at a time, taken in turn, so that a subject's rows spread
    over the table as in a store filled over time (memory: ``width`` streams)."""
    while chunk := list(islice(streams, width)):
        while chunk:
            alive = []
            for events in chunk:
                event = next(events, None)
                if event is not None:
                    yield event
                    alive.append(events)
            chunk = alive


def _admin(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


def _truncate(url: str, schemas: dict[str, str], tables: dict[str, list[Table]]) -> None:
    with _admin(url) as conn:
        for store, schema in schemas.items():
            names = sql.SQL(", ").join(sql.Identifier(schema, t.name) for t in tables[store])
            conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(names))


def _drop_indexes(url: str, schemas: dict[str, str], indexes: dict[str, list[Index]]) -> None:
    with _admin(url) as conn:
        for store, schema in schemas.items():
            for index in indexes[store]:
                name = str(index.name)
                conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(
                    sql.Identifier(schema, name)))


def _create_indexes(url: str, schemas: dict[str, str], indexes: dict[str, list[Index]],
                    progress: Progress) -> None:
    task = progress.add_task("indexes", total=sum(map(len, indexes.values())))
    with _admin(url) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        for store, schema in schemas.items():
            for index in indexes[store]:
                table = index.table
                assert table is not None
                conn.execute(sql.SQL("CREATE {}INDEX IF NOT EXISTS {} ON {} ({})").format(
                    sql.SQL("UNIQUE " if index.unique else ""), sql.Identifier(str(index.name)),
                    sql.Identifier(schema, table.name),
                    sql.SQL(", ").join(sql.Identifier(c.name) for c in index.columns)))
                progress.advance(task)


def _vacuum(url: str, schemas: dict[str, str], tables: dict[str, list[Table]],
            progress: Progress) -> None:
    """Statistics for the planner, and the visibility map index-only scans rely on."""
    task = progress.add_task("vacuum, analyse", total=sum(map(len, tables.values())))
    with _admin(url) as conn:
        for store, schema in schemas.items():
            for table in tables[store]:
                conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(
                    sql.Identifier(schema, table.name)))
                progress.advance(task)
