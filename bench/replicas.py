"""Drain time of a batch with one replica of every worker beside two, on PostgreSQL.

    python -m bench.replicas [--requests 2000]

Each run gets a database of its own (beside ``DSR_BENCH_DATABASE_URL``, default the local
``test`` database) and the broker of ``DSR_AMQP_URL``. Beside the drain times and their ratio
it prints where the time went: the CPU seconds each worker's processes used and PostgreSQL's
and RabbitMQ's own, as a share of the machine's CPU time during the drain.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.cpu import CpuMeter
from bench.flood import drain, publish_all
from services.bootstrap import bootstrap
from tests.conftest import embedded_settings
from tests.support import isolation
from tests.support.harness import RabbitHarness, reset_broker
from tests.support.processes import WorkerProcesses
from tests.support.subjects import seeded

console = Console()


@dataclass
class Run:
    replicas: int
    drain_s: float
    cpu_s: dict[str, float]


def measure(replicas: int, requests: int, amqp_url: str, admin_url: str) -> Run:
    database = isolation.create_database(admin_url)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            settings = embedded_settings(Path(data_dir), amqp_url=amqp_url,
                                         database_url=database, log_level="ERROR")
            app = bootstrap(settings)
            seeded(RabbitHarness(app, amqp_url))
            reset_broker(amqp_url, settings, app)
            processes = WorkerProcesses(amqp_url, Path(data_dir), database_url=database,
                                        replicas=replicas)
            processes.start_all(timeout_s=180)
            try:
                meter = CpuMeter({i: p.pid for i, p in processes.running.items()})
                meter.start()
                started = time.perf_counter()
                publish_all(amqp_url, requests)
                drain(app, requests, started)
                drained = time.perf_counter() - started
                used: dict[str, float] = defaultdict(float)
                for name, seconds in meter.stop().items():
                    used[name.partition("#")[0]] += seconds
            finally:
                processes.stop_all()
                app.dispose()
    finally:
        isolation.drop_database(admin_url, database)
    return Run(replicas, drained, used)


def report(runs: list[Run], requests: int) -> None:
    one, two = runs
    table = Table(title=f"{requests:,} requests (access, objection, erasure), PostgreSQL")
    table.add_column("measure")
    for run in runs:
        table.add_column(f"{run.replicas} replica{'s' if run.replicas > 1 else ''} each",
                         justify="right")
    table.add_row("drain time (s)", *(f"{r.drain_s:,.1f}" for r in runs))
    table.add_row("requests/s", *(f"{requests / r.drain_s:,.1f}" for r in runs))
    table.add_row("ratio of drain times (2 / 1)", "", f"{two.drain_s / one.drain_s:.2f}")
    cores = os.cpu_count() or 1
    for name in sorted(one.cpu_s, key=lambda n: -one.cpu_s[n]):
        table.add_row(f"CPU {name} (s, % of the machine)",
                      *(f"{r.cpu_s[name]:,.1f} ({100 * r.cpu_s[name] / (r.drain_s * cores):.0f} %)"
                        for r in runs))
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    amqp_url = os.environ.get("DSR_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    admin_url = os.environ.get("DSR_BENCH_DATABASE_URL",
                               "postgresql://postgres@127.0.0.1:5432/test")
    runs = []
    for replicas in (1, 2):
        console.print(f"[bold]{replicas} replica(s) of every worker[/bold]")
        runs.append(measure(replicas, args.requests, amqp_url, admin_url))
    report(runs, args.requests)


if __name__ == "__main__":
    main()
