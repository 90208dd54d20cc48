"""A flood: N requests submitted at once to workers running as separate processes.

    python -m bench.flood [--requests 10000] [--database-url postgresql://…/db | --sqlite]

Prints the drain time (first publish to last request completed), each worker process's
resident memory (VmRSS, sampled through the drain, and its peak VmHWM from /proc), which must
stay flat however deep the queues, and the CPU time each process, PostgreSQL and RabbitMQ
spent on the flood, per request. The services run on PostgreSQL, in a database of this run's
own created beside the one ``--database-url`` (or ``DSR_BENCH_DATABASE_URL``, default the
local ``test`` database) names and dropped at the end; ``--sqlite`` puts them on SQLite files.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pika
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.cpu import CpuMeter
from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE
from contracts.vocabulary import Right
from services.bootstrap import App, bootstrap
from tests.conftest import embedded_settings
from tests.support.harness import RabbitHarness, final_count, reset_broker
from tests.support.isolation import create_database, drop_database
from tests.support.processes import WorkerProcesses
from tests.support.subjects import request_for, seeded

console = Console()
PEOPLE = ["CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005"]


def rss_mb(pid: int, field: str = "VmHWM") -> float:
    """``VmHWM``: the peak resident memory; ``VmRSS``: the current one."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return float("nan")
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def publish_all(url: str, count: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()
    rights = [Right.ACCESS, Right.OBJECTION, Right.ERASURE]
    for n in range(count):
        event = request_for(PEOPLE[n % len(PEOPLE)], rights[n % 3], f"flood-{n}")
        channel.basic_publish(EVENTS_EXCHANGE, event.type, event.to_json(),
                              pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=2))
    connection.close()


def drain(app: App, requests: int, started: float,
          pids: dict[str, int] | None = None) -> dict[str, list[float]]:
    """Wait until every request is final, with a progress bar (a line a minute off a tty);
    return the resident memory of each process of ``pids`` sampled every 10 s."""
    pids = pids or {}
    samples: dict[str, list[float]] = {name: [] for name in pids}
    with Progress(TextColumn("draining"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("draining", total=requests)
        last_line = last_sample = time.perf_counter()
        while (done := final_count(app)) < requests:
            progress.update(task, completed=done)
            now = time.perf_counter()
            if now - last_sample >= 10:
                last_sample = now
                for name, pid in pids.items():
                    samples[name].append(rss_mb(pid, "VmRSS"))
            if not console.is_terminal and now - last_line >= 60:
                last_line = now
                print(f"{last_line - started:,.0f} s: {done:,}/{requests:,} completed",
                      flush=True)
            time.sleep(1)
    for name, pid in pids.items():
        samples[name].append(rss_mb(pid, "VmRSS"))
    return samples


@contextmanager
def database(admin_url: str | None) -> Iterator[str | None]:
    """A database of this run's own beside ``admin_url`` (None: SQLite), dropped after."""
    if admin_url is None:
        yield None
        return
    url = create_database(admin_url)
    try:
        yield url
    finally:
        drop_database(admin_url, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get(
        "DSR_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, not PostgreSQL")
    args = parser.parse_args()
    url = os.environ.get("DSR_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    with tempfile.TemporaryDirectory() as data_dir, \
            database(None if args.sqlite else args.database_url) as database_url:
        settings = embedded_settings(Path(data_dir), amqp_url=url, log_level="ERROR",
                                     database_url=database_url)
        app = bootstrap(settings)
        seeded(RabbitHarness(app, url))
        reset_broker(url, settings, app)
        processes = WorkerProcesses(url, Path(data_dir), database_url=database_url)
        processes.start_all()
        pids = {n: p.pid for n, p in processes.running.items()}
        meter = CpuMeter(pids)
        meter.start()
        started = time.perf_counter()
        try:
            publish_all(url, args.requests)
            published = time.perf_counter() - started
            samples = drain(app, args.requests, started, pids)
            drained = time.perf_counter() - started
            peaks = {n: rss_mb(pid) for n, pid in pids.items()}
            cpu = meter.stop()
        finally:
            processes.stop_all()
            app.dispose()
    where = "SQLite" if database_url is None else "PostgreSQL"
    table = Table(title=f"Flood of {args.requests:,} requests (access, objection, erasure), "
                        f"{where}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("publish time (s)", f"{published:,.1f}")
    table.add_row("drain time (s)", f"{drained:,.1f}")
    table.add_row("requests/s", f"{args.requests / drained:,.1f}")
    for name, peak in peaks.items():
        rss = samples[name]
        table.add_row(f"RSS {name} (MiB): first sample, last, peak",
                      f"{rss[0]:,.1f}, {rss[-1]:,.1f}, {peak:,.1f}")
    console.print(table)
    console.print(cpu_table(cpu, drained, args.requests))


def cpu_table(cpu: dict[str, float], drained: float, requests: int) -> Table:
    cores = os.cpu_count() or 1
    table = Table(title=f"CPU time during the flood ({cores} cores, {drained * cores:,.0f} "
                        "CPU-seconds available)")
    for column in ("process", "CPU s", "% of the machine", "ms per request"):
        table.add_column(column, justify="left" if column == "process" else "right")
    for name, seconds in [*sorted(cpu.items(), key=lambda item: -item[1]),
                          ("all", sum(cpu.values()))]:
        table.add_row(name, f"{seconds:,.1f}", f"{100 * seconds / (drained * cores):.0f} %",
                      f"{1000 * seconds / requests:,.1f}")
    return table


if __name__ == "__main__":
    main()
