"""The heavy user's access package: build time and peak memory (figures, no assertions).

    python -m bench.package [--cdr-rows 100000] [--postal] [--no-tracemalloc]

Seeds SQLite stores in a temporary directory (the demo subjects; the heavy user CM-100015
with ``--cdr-rows`` CDR events, the others with 20), has CRM, billing and CDR export the heavy
user's data through their real handlers, then builds the sealed package from those files:
once without tracemalloc (wall time; the process's peak RSS before and after), once under
tracemalloc (Python's peak allocation, which is what streaming keeps flat), and opens it.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from contracts.backoffice import Holding, StoreAction, StoreCommand
from contracts.envelope import CloudEvent
from contracts.vocabulary import Store
from services.access_package.builder import build_package
from services.access_package.opening import open_package
from services.bootstrap import bootstrap
from services.cli.seeding import load_population
from services.rulebook.retention import Retention
from services.runtime.clock import FakeClock
from services.runtime.delivery import Delivery, Done
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.signing import sign
from services.workers import STORES
from simulators.population.demo import HEAVY_USER
from simulators.population.generator import build_population

NOW = datetime(2026, 11, 1, tzinfo=UTC)
REFERENCE = "DSR-2026-000001"
console = Console()


def send(processor: Processor, settings: Settings, command: StoreCommand) -> dict[str, Any]:
    event = CloudEvent.wrap(command, source="bench", subject=REFERENCE, time=NOW)
    outcome = processor.process(Delivery(body=sign(event, settings.command_key).to_json(),
                                         routing_key=command.routing_type()))
    assert isinstance(outcome, Done), outcome
    data: dict[str, Any] = json.loads(outcome.to_publish[0].body)["data"]
    return data


def export_heavy_user(settings: Settings, cdr_rows: int) -> float:
    """Seed, then export the heavy user from every store; the seconds the exports took."""
    population = build_population(seed=7400, subscribers=0, cdr_per_subscriber=20, now=NOW,
                                  heavy_cdr_events=cdr_rows)
    load_population(settings, population)
    app = bootstrap(settings, FakeClock(NOW), names=STORES)
    processors = app.processors
    try:
        discovered = send(processors["crm"], settings, StoreCommand(
            command_id="bench-discover", reference=REFERENCE, store=Store.CRM,
            action=StoreAction.DISCOVER, customer_code=HEAVY_USER))
        holdings = [Holding.model_validate(h) for h in discovered["holdings"]]
        started = time.perf_counter()
        for store in Store:
            send(processors[store.value], settings, StoreCommand(
                command_id=f"bench-export-{store.value}", reference=REFERENCE, store=store,
                action=StoreAction.EXPORT, customer_code=HEAVY_USER, holdings=holdings))
        return time.perf_counter() - started
    finally:
        app.dispose()


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cdr-rows", type=int, default=100_000)
    parser.add_argument("--postal", action="store_true", help="also the PDF")
    parser.add_argument("--no-tracemalloc", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        settings = Settings(data_dir=data_dir, log_level="ERROR")
        console.print(f"seeding and exporting {HEAVY_USER} ({args.cdr_rows:,} CDR rows) …")
        exported = export_heavy_user(settings, args.cdr_rows)
        files = sorted((data_dir / "exports" / REFERENCE).glob("*.jsonl"))
        lines = sum(1 for path in files for _ in path.open("rb"))
        size = sum(path.stat().st_size for path in files)

        def build() -> tuple[float, str]:
            started = time.perf_counter()
            built = build_package(data_dir, REFERENCE, f"exports/{REFERENCE}", now=NOW,
                                  expiry_days=30, secret=settings.command_key,
                                  retention=Retention.of(settings), postal=args.postal,
                                  pdf_max_rows=settings.package_pdf_max_rows)
            return time.perf_counter() - started, built.code

        rss_before = rss_mib()
        seconds, code = build()
        rss_after = rss_mib()
        traced = None
        if not args.no_tracemalloc:
            tracemalloc.start()
            traced_seconds, code = build()
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        started = time.perf_counter()
        open_package(data_dir / "packages" / REFERENCE, code, data_dir / "desk",
                     datetime(2026, 11, 2, tzinfo=UTC))
        opened = time.perf_counter() - started
        sealed = sum(p.stat().st_size for p in (data_dir / "packages" / REFERENCE).iterdir())

    table = Table(title=f"access package of {HEAVY_USER}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("export lines (3 stores)", f"{lines:,}")
    table.add_row("export files", f"{size / 2**20:.1f} MiB")
    table.add_row("stores' export", f"{exported:.2f} s")
    table.add_row("package build" + (" (with PDF)" if args.postal else ""), f"{seconds:.2f} s")
    table.add_row("rows per second", f"{lines / seconds:,.0f}")
    table.add_row("sealed package", f"{sealed / 2**20:.1f} MiB")
    table.add_row("open (scrypt + decrypt)", f"{opened:.2f} s")
    table.add_row("peak RSS before build / after", f"{rss_before:.0f} / {rss_after:.0f} MiB")
    if traced is not None:
        table.add_row("tracemalloc peak during build", f"{traced:.1f} MiB")
        table.add_row("build under tracemalloc", f"{traced_seconds:.2f} s")
    console.print(table)


if __name__ == "__main__":
    main()
