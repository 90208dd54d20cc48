"""A flood: N requests submitted at once to workers running as separate processes.

    python -m bench.flood [--requests 10000]

Prints the drain time (first publish to last request completed) and each worker process's
peak resident memory (VmHWM from /proc), which must stay bounded however deep the queues.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pika
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE
from contracts.vocabulary import Right
from services.bootstrap import App, bootstrap
from tests.conftest import embedded_settings
from tests.support.harness import RabbitHarness, final_count, reset_broker
from tests.support.processes import WorkerProcesses
from tests.support.subjects import request_for, seeded

console = Console()
PEOPLE = ["CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
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


def drain(app: App, requests: int, started: float) -> None:
    """Wait until every request is final, with a progress bar (a line a minute off a tty)."""
    with Progress(TextColumn("draining"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("draining", total=requests)
        last_line = time.perf_counter()
        while (done := final_count(app)) < requests:
            progress.update(task, completed=done)
            if not console.is_terminal and time.perf_counter() - last_line >= 60:
                last_line = time.perf_counter()
                print(f"{last_line - started:,.0f} s: {done:,}/{requests:,} completed",
                      flush=True)
            time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DSR_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    with tempfile.TemporaryDirectory() as data_dir:
        settings = embedded_settings(Path(data_dir), amqp_url=url, log_level="ERROR")
        app = bootstrap(settings)
        seeded(RabbitHarness(app, url))
        reset_broker(url, settings, app)
        processes = WorkerProcesses(url, Path(data_dir))
        processes.start_all()
        started = time.perf_counter()
        try:
            publish_all(url, args.requests)
            published = time.perf_counter() - started
            drain(app, args.requests, started)
            drained = time.perf_counter() - started
            peaks = {n: peak_rss_mb(p.pid) for n, p in processes.running.items()}
        finally:
            processes.stop_all()
    table = Table(title=f"Flood of {args.requests:,} requests (access, objection, erasure)")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("publish time (s)", f"{published:,.1f}")
    table.add_row("drain time (s)", f"{drained:,.1f}")
    table.add_row("requests/s", f"{args.requests / drained:,.1f}")
    for name, peak in peaks.items():
        table.add_row(f"peak RSS {name} (MiB)", f"{peak:,.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
