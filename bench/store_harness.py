"""A seeded CDR store in PostgreSQL driven through its real Processor (from bootstrap, on a
fake clock), for ``bench.stores``."""

from __future__ import annotations

import itertools
import json
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, text

from contracts.backoffice import Holding, StoreAction, StoreCommand
from contracts.envelope import CloudEvent
from contracts.vocabulary import Store
from services.bootstrap import bootstrap
from services.runtime.clock import FakeClock
from services.runtime.delivery import Delivery, Done
from services.runtime.deps import Deps
from services.runtime.settings import Settings
from services.runtime.signing import sign
from simulators.cdr import erasure
from simulators.cdr.queries import event_count
from simulators.cdr.sources import SOURCES, holding_scope
from simulators.population.demo import SubjectPlan

NOW = datetime(2026, 11, 1, tzinfo=UTC)  # fixed, so a store seeded once can be reused
REFERENCE = "DSR-2026-000001"


def holdings_of(plan: SubjectPlan) -> list[Holding]:
    periods = [(h.msisdn, *h.period(NOW)) for h in plan.holdings]
    return [Holding(msisdn=m, held_from=start, held_until=end) for m, start, end in periods]


@dataclass
class CdrStore:
    """The CDR service of the bench schema ``prefix + "cdr"``, as the broker would drive it."""

    url: str
    prefix: str
    data_dir: Path
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.settings = Settings(database_url=self.url, data_dir=self.data_dir,
                                 log_level="ERROR")
        self.app = bootstrap(self.settings, FakeClock(NOW), names=("cdr",), prefix=self.prefix)
        self.processor = self.app.processors["cdr"]
        self.engine: Engine = self.app.engine("cdr")

    @property
    def schema(self) -> str:
        return self.prefix + "cdr"

    def command(self, action: StoreAction, holdings: list[Holding]) -> StoreCommand:
        return StoreCommand(command_id=f"bench-{time.time_ns()}-{next(self._ids)}",
                            reference=REFERENCE, store=Store.CDR, action=action,
                            holdings=holdings)

    def send(self, action: StoreAction, holdings: list[Holding]) -> dict[str, Any]:
        """Deliver one command; return the data of the StoreResult it published."""
        command = self.command(action, holdings)
        event = sign(CloudEvent.wrap(command, source="bench", subject=REFERENCE, time=NOW),
                     self.settings.command_key)
        delivery = Delivery(body=event.to_json(), routing_key=command.routing_type())
        outcome = self.processor.process(delivery)
        assert isinstance(outcome, Done), outcome
        data: dict[str, Any] = json.loads(outcome.to_publish[0].body)["data"]
        return data

    def timed(self, action: StoreAction, holdings: list[Holding]) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        data = self.send(action, holdings)
        return time.perf_counter() - started, data

    def rows(self) -> int:
        return event_count(self.engine)

    def erase_rolled_back(self, holdings: list[Holding]) -> tuple[float, dict[str, Any]]:
        """The set-based erasure of the subject's events, timed, then rolled back so the
        store stays as seeded (the commit is not timed)."""
        with self.engine.connect() as db:
            transaction = db.begin()
            deps = Deps(db=db, clock=self.app.clock, settings=self.settings, service="cdr")
            started = time.perf_counter()
            result = erasure.erase(self.command(StoreAction.ERASE, holdings), deps)
            elapsed = time.perf_counter() - started
            transaction.rollback()
        with self.engine.connect() as db:
            db.execution_options(isolation_level="AUTOCOMMIT").execute(
                text(f'VACUUM "{self.schema}".cdr_events'))
        return elapsed, result.model_dump(mode="json")

    def plain_copy(self, holdings: list[Holding]) -> tuple[float, int]:
        """``COPY (SELECT …) TO STDOUT`` of each export query of the CDR store (the same
        rows, columns and order as the export), read to the end; returns seconds and rows."""
        scope = holding_scope(holdings)
        rows = 0
        url = self.url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(url, options=f"-csearch_path={self.schema}") as conn:
            started = time.perf_counter()
            for source in SOURCES:
                compiled = source.export_query(scope).compile(dialect=self.engine.dialect)
                with conn.cursor().copy(f"COPY ({compiled}) TO STDOUT",
                                        compiled.params) as copy:
                    for block in copy:
                        rows += bytes(block).count(b"\n")
            return time.perf_counter() - started, rows

    def dispose(self) -> None:
        self.app.dispose()


def peak_rss_of_export(url: str, prefix: str, data_dir: str,
                       plan: SubjectPlan) -> tuple[int, int, int]:
    """Run in a fresh process: (records exported, peak RSS before, peak RSS after) in KiB."""
    store = CdrStore(url, prefix, Path(data_dir))
    holdings = holdings_of(plan)
    store.send(StoreAction.DISCOVER, holdings)  # everything imported, the pool warm
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    data = store.send(StoreAction.EXPORT, holdings)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store.dispose()
    return sum(o["records"] for o in data["outcomes"]), before, after
