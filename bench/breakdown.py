"""Where one request of each right spends its time, hop by hop.

    python -m bench.breakdown [--database-url postgresql://…] [--rounds 3]

Runs every worker on the in-process bus (SQLite files, or PostgreSQL schemas with
``--database-url``), seeds the demo subjects, submits one request of each right per round and
handles every message. For each hop (the worker and the message type it consumed) it prints
the messages handled, the mean wall time per message (timed without the profiler), and the
database transactions and statements per message (counted with SQLAlchemy's events, plus the
statements the runtime sends around SQLAlchemy on PostgreSQL); then a
profiled round splits each hop's time into validation (JSON parsing and pydantic), database
(SQLAlchemy and the driver), serialization (the outgoing JSON), publish (routing, settling),
rendering (Jinja, PDF), crypto (hashes, HMAC, scrypt, AES), logging (structlog, metrics) and the
rest (handlers and the runtime's own Python). The first round only warms caches up.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, Engine, event, text

from contracts.vocabulary import Category, Right
from services.bootstrap import App
from services.runtime import pipelined
from services.runtime.delivery import Delivery, Outcome
from services.workers import ALL
from tests.conftest import embedded_settings
from tests.support.harness import EmbeddedHarness, embedded_harness, submit
from tests.support.subjects import request_for, seeded

console = Console(width=200)
Hop = tuple[str, str]
CATEGORIES = ("validation", "database (SQLAlchemy)", "database (driver)", "serialization",
              "publish", "rendering", "crypto", "logging", "other")
# (category, substrings of a function's file or built-in name), first match wins
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("logging", ("structlog", "/logging/", "prometheus_client", "runtime/logging.py",
                 "runtime/metrics.py", "redaction.py")),
    ("database (driver)", ("psycopg", "sqlite3", "_sqlite", "select.poll", "poll")),
    ("database (SQLAlchemy)", ("sqlalchemy",)),
    ("rendering", ("jinja2", "markupsafe", "fpdf", "/templates/", "rendering.py", "pdf.py",
                   "documents.py")),
    ("crypto", ("cryptography", "_hashlib", "hashlib", "hmac", "signing.py", "sealing.py",
                "secrets.py", "chain.py")),
    ("serialization", ("to_json", "to_python", "serialize", "json/encoder", "dump")),
    ("validation", ("pydantic", "validate", "contracts/", "json/decoder", "json/__init__",
                    "runtime/validation.py")),
    ("publish", ("pika", "memory_bus.py", "settlement.py", "topics.py", "amqp/")),
)


def classify(label: str) -> str | None:
    for category, needles in RULES:
        if any(needle in label for needle in needles):
            return category
    return None


def _label(func: tuple[str, int, str]) -> str:
    filename, _line, name = func
    return name if filename == "~" else f"{filename}:{name}"


def categorize(profile: cProfile.Profile) -> dict[str, float]:
    """Exclusive time per category; a built-in of no category counts for its callers."""
    stats: dict[Any, Any] = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    found: dict[str, float] = defaultdict(float)

    def category_of(func: Any, depth: int = 0) -> dict[str, float]:
        known = classify(_label(func))
        if known is not None:
            return {known: 1.0}
        if func[0] != "~" or depth > 4 or func not in stats:
            return {"other": 1.0}
        callers = stats[func][4]
        total = sum(entry[2] for entry in callers.values()) or 1.0
        shares: dict[str, float] = defaultdict(float)
        for caller, entry in callers.items():
            for cat, share in category_of(caller, depth + 1).items():
                shares[cat] += share * entry[2] / total
        return shares or {"other": 1.0}

    for func, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        for cat, share in category_of(func).items():
            found[cat] += tottime * share
    return found


@dataclass
class HopFigures:
    messages: int = 0
    seconds: float = 0.0
    statements: int = 0
    transactions: int = 0
    profile: cProfile.Profile | None = None
    split: dict[str, float] = field(default_factory=dict)


class Recorder:
    """Counts statements and transactions per hop, and times or profiles each delivery."""

    def __init__(self, app: App) -> None:
        self.hops: dict[Hop, HopFigures] = defaultdict(HopFigures)
        self.profiling = False
        self._current: Hop | None = None
        self._local = threading.local()
        self._count_runtime_statements()
        for processor in app.processors.values():
            self._listen(processor.engine)
            processor.process = self._wrap(processor.worker.name,  # type: ignore[method-assign,assignment]
                                           processor.process)

    def _listen(self, engine: Engine) -> None:
        event.listen(engine.engine, "before_cursor_execute", self._on_statement)
        event.listen(engine.engine, "begin", self._on_begin)

    def _on_statement(self, *_args: Any, count: int = 1) -> None:
        hop = getattr(self._local, "hop", None)
        if hop is not None and not self.profiling:
            self.hops[hop].statements += count

    def _count_runtime_statements(self) -> None:
        """On PostgreSQL the unit of work sends the inbox claim, the outbox insert and the
        deletion of confirmed rows around SQLAlchemy (``runtime/pipelined.py``): count them
        too, but not ``BEGIN`` and ``COMMIT``, as SQLAlchemy's events do not."""
        run = pipelined.run
        control = {"BEGIN", "COMMIT"}

        def counted(db: Connection, statements: list[pipelined.Statement]
                    ) -> list[list[tuple[Any, ...]]]:
            self._on_statement(count=sum(1 for q, _ in statements if q not in control))
            return run(db, statements)
        pipelined.run = counted

    def _on_begin(self, *_args: Any) -> None:
        hop = getattr(self._local, "hop", None)
        if hop is not None and not self.profiling:
            self.hops[hop].transactions += 1

    def _wrap(self, worker: str, process: Callable[[Delivery], Outcome]
              ) -> Callable[[Delivery], Outcome]:
        def recorded(delivery: Delivery) -> Outcome:
            hop = (worker, delivery.origin_routing_key)
            figures = self.hops[hop]
            self._local.hop = hop
            try:
                if self.profiling:
                    figures.profile = figures.profile or cProfile.Profile()
                    return figures.profile.runcall(process, delivery)
                started = time.perf_counter()
                outcome = process(delivery)
                figures.seconds += time.perf_counter() - started
                figures.messages += 1
                return outcome
            finally:
                self._local.hop = None
        return recorded

    def settle_too(self, harness: EmbeddedHarness) -> None:
        """What the bus does after the processor (publish, delete the outbox rows) counts for
        the hop whose message it settles."""
        settle = harness.bus._settle

        def recorded(processor: Any, delivery: Delivery, outcome: Outcome) -> None:
            hop = (processor.worker.name, delivery.origin_routing_key)
            self._local.hop = hop
            try:
                if self.profiling:
                    figures = self.hops[hop]
                    figures.profile = figures.profile or cProfile.Profile()
                    figures.profile.runcall(settle, processor, delivery, outcome)
                    return
                started = time.perf_counter()
                settle(processor, delivery, outcome)
                self.hops[hop].seconds += time.perf_counter() - started
            finally:
                self._local.hop = None

        harness.bus._settle = recorded  # type: ignore[method-assign]


def one_of_each(harness: EmbeddedHarness, tag: str) -> None:
    submit(harness, request_for("CM-100001", Right.ACCESS, f"access-{tag}"))
    submit(harness, request_for("CM-100002", Right.RECTIFICATION, f"rect-{tag}",
                                corrections={"email": "moussa.k@example.ml"}))
    submit(harness, request_for("CM-100003", Right.ERASURE, f"erase-{tag}"))
    submit(harness, request_for("CM-100004", Right.OBJECTION, f"object-{tag}",
                                purposes=["direct_marketing"]))
    submit(harness, request_for("CM-100005", Right.RESTRICTION, f"restrict-{tag}",
                                categories=[Category.PROFILES_SCORES]))
    harness.bus.run_until_idle()


def measure(database_url: str | None, rounds: int) -> tuple[Recorder, int, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = embedded_settings(Path(data_dir), database_url=database_url,
                                     log_level="INFO", log_json=True)
        with embedded_harness(settings, ALL) as harness:
            _reset_schemas(harness.app, database_url)
            seeded(harness)
            one_of_each(harness, "warm-up")
            recorder = Recorder(harness.app)
            recorder.settle_too(harness)
            started = time.perf_counter()
            for n in range(rounds):
                one_of_each(harness, f"timed-{n}")
            elapsed = time.perf_counter() - started
            recorder.profiling = True
            one_of_each(harness, "profiled")
            _drop_schemas(harness.app, database_url)
    for figures in recorder.hops.values():
        if figures.profile is not None:
            figures.split = categorize(figures.profile)
    return recorder, rounds, elapsed


def _reset_schemas(app: App, database_url: str | None) -> None:
    """On PostgreSQL, empty what an earlier run left in the services' schemas."""
    if not database_url:
        return
    for processor in app.processors.values():
        with processor.engine.begin() as conn:
            for table in reversed(processor.worker.tables.sorted_tables):
                conn.execute(table.delete())


def _drop_schemas(app: App, database_url: str | None) -> None:
    """On PostgreSQL each service's schema would stay behind: drop them (SQLite files go
    with the temporary directory)."""
    if not database_url:
        return
    for name, processor in app.processors.items():
        with processor.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def report(figures_by_hop: dict[Hop, HopFigures], rounds: int, elapsed: float,
           where: str) -> None:
    hops = sorted(figures_by_hop.items(), key=lambda item: -item[1].seconds)
    messages = sum(f.messages for _, f in hops)
    table = Table(title=f"Per hop, one request of each right x {rounds} ({where}); "
                        f"{messages / rounds:.0f} messages a round, "
                        f"{elapsed / rounds * 1000:.0f} ms a round")
    for column in ("worker", "message type", "msgs", "ms/msg", "tx/msg", "stmt/msg",
                   *CATEGORIES):
        table.add_column(column, justify="left" if column in ("worker", "message type")
                         else "right")
    totals: dict[str, float] = defaultdict(float)
    for (worker, kind), figures in hops:
        if not figures.messages:
            continue
        per = figures.seconds / figures.messages
        share = _shares(figures.split)
        for cat in CATEGORIES:
            totals[cat] += share.get(cat, 0.0) * figures.seconds
        table.add_row(worker, kind, str(figures.messages // rounds), f"{per * 1000:.2f}",
                      f"{figures.transactions / figures.messages:.1f}",
                      f"{figures.statements / figures.messages:.1f}",
                      *(f"{share.get(cat, 0.0):.0%}" for cat in CATEGORIES))
    busy = sum(f.seconds for _, f in hops) or 1.0
    table.add_row("all", "", str(messages // rounds), f"{busy / max(messages, 1) * 1000:.2f}",
                  f"{sum(f.transactions for _, f in hops) / max(messages, 1):.1f}",
                  f"{sum(f.statements for _, f in hops) / max(messages, 1):.1f}",
                  *(f"{totals[cat] / busy:.0%}" for cat in CATEGORIES))
    console.print(table)


def by_worker(figures_by_hop: dict[Hop, HopFigures]) -> dict[Hop, HopFigures]:
    """The same figures summed per worker."""
    grouped: dict[Hop, HopFigures] = defaultdict(HopFigures)
    for (worker, _kind), figures in figures_by_hop.items():
        total = grouped[(worker, "(all its message types)")]
        total.messages += figures.messages
        total.seconds += figures.seconds
        total.statements += figures.statements
        total.transactions += figures.transactions
        for cat, value in figures.split.items():
            total.split[cat] = total.split.get(cat, 0.0) + value
    return grouped


def _shares(split: dict[str, float]) -> dict[str, float]:
    total = sum(split.values()) or 1.0
    return {cat: value / total for cat, value in split.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL (each service gets a schema there); default SQLite")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    recorder, rounds, elapsed = measure(args.database_url, args.rounds)
    where = "PostgreSQL" if args.database_url else "SQLite"
    report(recorder.hops, rounds, elapsed, where)
    report(by_worker(recorder.hops), rounds, elapsed, where)


if __name__ == "__main__":
    main()
