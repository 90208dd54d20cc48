"""The CDR store at operator scale in PostgreSQL: discovery, export, erasure, memory.

    python -m bench.stores [--cdr-rows 10000000] [--small-cdr-rows 1000000] [--reuse]

Seeds two populations (one subscriber per 100 CDR events, plus the demo subjects and the heavy
user CM-100015 with 100,000 events) with the scale seed into the schemas ``bench_<rows>_*`` of
DSR_BENCH_DATABASE_URL, then drives the CDR service through its Processor: discovery latency
on each (ordinary subjects), the heavy user's export beside a plain ``COPY (SELECT …) TO
STDOUT`` of the same rows, the heavy user's erasure (rolled back), and the peak RSS of a fresh
store process exporting a small subject and the heavy user. ``--reuse`` skips a load whose
schema already holds the rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.store_harness import NOW, CdrStore, holdings_of, peak_rss_of_export
from contracts.backoffice import StoreAction
from services.cli.bulk_seed import seed_at_scale
from services.runtime.settings import Settings
from simulators.population.demo import HEAVY_USER, demo_subjects
from simulators.population.generator import random_plan

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
EVENTS_PER_SUBSCRIBER = 100
ROUNDS = 8
console = Console()
PLANS = {plan.customer_code: plan for plan in demo_subjects()}
ORDINARY = [*(plan for plan in demo_subjects() if plan.case == "ordinary"),
            *(random_plan(7400, index) for index in range(0, 2000, 100))]


def prefix(rows: int) -> str:
    return f"bench_{rows // 1_000_000}m_" if rows % 1_000_000 == 0 else f"bench_{rows}_"


def load(url: str, rows: int, reuse: bool, data_dir: Path) -> tuple[CdrStore, float | None]:
    """The seeded store of ``rows`` CDR events, and the seconds its load took (None: reused)."""
    store = CdrStore(url, prefix(rows), data_dir)
    if reuse and store.rows() >= rows:
        console.print(f"reusing {prefix(rows)}* ({store.rows():,} CDR rows)")
        return store, None
    settings = Settings(database_url=url, data_dir=data_dir, log_level="ERROR")
    console.print(f"[bold]seeding {rows:,} CDR rows into {prefix(rows)}*[/]")
    started = time.perf_counter()
    counts = seed_at_scale(settings, rows // EVENTS_PER_SUBSCRIBER, rows, console,
                           prefix=prefix(rows), now=NOW)
    elapsed = time.perf_counter() - started
    console.print(f"loaded {sum(counts.values()):,} rows ({counts['cdr.cdr_events']:,} CDR, "
                  f"{counts['crm.customers']:,} customers) in {elapsed:,.0f} s")
    return store, elapsed


def discovery(store: CdrStore) -> list[float]:
    """Latency of one discover command per ordinary subject, ``ROUNDS`` times (after a
    warm-up round), in milliseconds."""
    holdings = [holdings_of(plan) for plan in ORDINARY]
    for each in holdings:
        store.send(StoreAction.DISCOVER, each)
    return [store.timed(StoreAction.DISCOVER, each)[0] * 1000
            for _ in range(ROUNDS) for each in holdings]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def export_figures(store: CdrStore) -> tuple[int, float, int, float]:
    """Median seconds of 3 exports of the heavy user, and of 3 plain COPYs of the same rows."""
    holdings = holdings_of(PLANS[HEAVY_USER])
    store.plain_copy(holdings)  # warm the cache for both
    exports = [store.timed(StoreAction.EXPORT, holdings) for _ in range(3)]
    records = sum(o["records"] for o in exports[0][1]["outcomes"])
    copies = [store.plain_copy(holdings) for _ in range(3)]
    return (records, statistics.median(t for t, _ in exports), copies[0][1],
            statistics.median(t for t, _ in copies))


def memory(url: str, prefix: str, data_dir: Path) -> list[tuple[str, int, int, int]]:
    found = []
    for code in ("CM-100001", HEAVY_USER):
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            records, before, after = pool.submit(peak_rss_of_export, url, prefix,
                                                 str(data_dir), PLANS[code]).result()
        found.append((code, records, before, after))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cdr-rows", type=int, default=10_000_000)
    parser.add_argument("--small-cdr-rows", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded store")
    args = parser.parse_args()
    url = os.environ.get("DSR_BENCH_DATABASE_URL", DEFAULT_URL)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        small, small_load = load(url, args.small_cdr_rows, args.reuse, data_dir)
        large, large_load = load(url, args.cdr_rows, args.reuse, data_dir)
        with console.status("discovery"):
            latencies = {store.schema: discovery(store) for store in (small, large)}
        with console.status("export of the heavy user"):
            records, export_s, copied, copy_s = export_figures(large)
        with console.status("erasure of the heavy user"):
            erased = [large.erase_rolled_back(holdings_of(PLANS[HEAVY_USER]))
                      for _ in range(3)]
        with console.status("peak memory of export"):
            peaks = memory(url, large.prefix, data_dir)
        rows = {store.schema: store.rows() for store in (small, large)}
        for store in (small, large):
            store.dispose()
    report(args, rows, {small.schema: small_load, large.schema: large_load}, latencies,
           (records, export_s, copied, copy_s), erased, peaks)


def report(args: argparse.Namespace, rows: dict[str, int], loads: dict[str, float | None],
           latencies: dict[str, list[float]], export: tuple[int, float, int, float],
           erased: list[tuple[float, dict[str, object]]],
           peaks: list[tuple[str, int, int, int]]) -> None:
    table = Table(title="Scale seed (PostgreSQL COPY, all three stores)")
    for column in ("schema", "CDR rows", "load wall time"):
        table.add_column(column, justify="left" if column == "schema" else "right")
    for schema, seconds in loads.items():
        table.add_row(schema.removesuffix("cdr") + "*", f"{rows[schema]:,}",
                      "reused" if seconds is None else f"{seconds:,.0f} s")
    console.print(table)

    table = Table(title=f"Discovery, {len(ORDINARY)} ordinary subjects x {ROUNDS} rounds "
                        "(discover command through the Processor)")
    for column in ("store", "median ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "store" else "right")
    small, large = latencies
    for schema, samples in latencies.items():
        table.add_row(f"{rows[schema]:,} CDR rows", f"{statistics.median(samples):.2f}",
                      f"{p95(samples):.2f}")
    median_ratio = statistics.median(latencies[large]) / statistics.median(latencies[small])
    table.add_row("ratio large / small (goal < 1.5)", f"{median_ratio:.2f}",
                  f"{p95(latencies[large]) / p95(latencies[small]):.2f}")
    console.print(table)

    records, export_s, copied, copy_s = export
    table = Table(title=f"Export of {HEAVY_USER}'s CDR rows (median of 3)")
    for column in ("path", "records", "seconds", "records/s"):
        table.add_column(column, justify="left" if column == "path" else "right")
    table.add_row("export command (JSONL package)", f"{records:,}", f"{export_s:.2f}",
                  f"{records / export_s:,.0f}")
    table.add_row("plain COPY (SELECT …) TO STDOUT", f"{copied:,}", f"{copy_s:.2f}",
                  f"{copied / copy_s:,.0f}")
    table.add_row("ratio (goal ≥ 0.5)", "", "", f"{(records / export_s) / (copied / copy_s):.2f}")
    console.print(table)

    table = Table(title=f"Erasure of {HEAVY_USER}'s CDR rows (set-based, rolled back)")
    for column in ("run", "seconds (goal < 2)", "outcomes"):
        table.add_column(column)
    for run, (seconds, result) in enumerate(erased, start=1):
        outcomes = result.get("outcomes", [])
        assert isinstance(outcomes, list)
        summary = ", ".join(f"{o['category']} {o['action']} {o['records']:,}" for o in outcomes
                            if o["category"] == "connection_usage")
        table.add_row(str(run), f"{seconds:.2f}", summary)
    console.print(table)

    table = Table(title="Peak RSS of a fresh CDR store process during one export")
    for column in ("subject", "records exported", "peak before (MiB)", "peak after (MiB)",
                   "growth (MiB)"):
        table.add_column(column, justify="left" if column == "subject" else "right")
    for code, exported, before, after in peaks:
        table.add_row(code, f"{exported:,}", f"{before / 1024:.1f}", f"{after / 1024:.1f}",
                      f"{(after - before) / 1024:.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
