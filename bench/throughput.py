"""End-to-end requests per second on RabbitMQ, beside the ceiling of a no-op relay chain.

    python -m bench.throughput [--requests N] [--database-url postgresql://…/db | --sqlite]

Runs every worker and store in this process on a real RabbitMQ (DSR_AMQP_URL, default the
local broker) and PostgreSQL, in a database of this run's own created beside the one
``--database-url`` (or ``DSR_BENCH_DATABASE_URL``, default the local ``test`` database) names
and dropped at the end (``--sqlite``: SQLite files in a temporary directory), submits N access
requests for seeded subjects at once, and times them until every one is completed. Then, in
the same run, pushes N messages through a no-op relay chain with the same number of hops
(quorum queues, persistent messages, asynchronous confirms, ack after confirm) and prints
both.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pika
from rich.console import Console
from rich.table import Table

from bench.flood import database
from bench.relay import measure
from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE
from contracts.intake import RequestDetails
from contracts.vocabulary import RequestState, Right
from services.bootstrap import App, bootstrap
from services.cli.demo import demo_intake
from services.cli.seeding import load_population
from services.intake.queries import count_in_state
from services.runtime.amqp import topology
from services.runtime.settings import Settings
from simulators.population.demo import demo_subjects
from simulators.population.generator import build_population

# The longest path of an access request, in consumed messages: intake, identity, CRM
# (identify), identity, discovery, CRM (discover), discovery, billing/CDR, discovery,
# fulfilment, stores (export), fulfilment, notification, intake.
SAGA_HOPS = 14
STALL_S = 120
console = Console()


def run_saga(url: str, count: int, data_dir: Path,
             database_url: str | None) -> tuple[float, int]:
    settings = Settings(amqp_url=url, data_dir=data_dir, log_level="ERROR",
                        database_url=database_url)
    load_population(settings, build_population(subscribers=0, cdr_per_subscriber=50))
    app = bootstrap(settings)
    _reset(url, settings, app)
    runner = app.amqp_runner()
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    runner.connected.wait(30)
    subjects = [s for s in demo_subjects() if s.kind == "person"][:5]
    now = datetime.now(UTC)
    bodies = [demo_intake(subjects[i % len(subjects)], Right.ACCESS, RequestDetails(), i, now)
              for i in range(count)]
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.confirm_delivery()  # a request the broker did not take fails here, not silently
    started = time.perf_counter()
    for event in bodies:
        channel.basic_publish(EVENTS_EXCHANGE, event.type, event.to_json(),
                              pika.BasicProperties(content_type=CONTENT_TYPE, delivery_mode=2),
                              mandatory=True)
    connection.close()
    progress = (0, time.perf_counter())
    with console.status("saga running") as status:
        while (done := count_in_state(app.engine("intake"), RequestState.COMPLETED)) < count:
            status.update(f"saga running: {done}/{count} completed")
            if done > progress[0]:
                progress = (done, time.perf_counter())
            elif time.perf_counter() - progress[1] > STALL_S:
                raise RuntimeError(f"{done}/{count} completed, none for {STALL_S} s")
            time.sleep(0.2)
    elapsed = time.perf_counter() - started
    runner.stop()
    thread.join(30)
    body_size = len(bodies[0].to_json())
    app.dispose()
    return count / elapsed, body_size


def _reset(url: str, settings: Settings, app: App) -> None:
    plan = topology.plan([p.worker for p in app.processors.values()], settings)
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    for queue in plan.queues:
        channel.queue_delete(queue.name)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get(
        "DSR_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--sqlite", action="store_true", help="SQLite files, not PostgreSQL")
    args = parser.parse_args()
    url = os.environ.get("DSR_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    with tempfile.TemporaryDirectory() as data_dir, \
            database(None if args.sqlite else args.database_url) as database_url:
        saga_rate, body_size = run_saga(url, args.requests, Path(data_dir), database_url)
    with console.status("no-op relay chain running"):
        relay_rate = measure(url, SAGA_HOPS, args.requests, b"x" * body_size)
    table = Table(title=f"{args.requests} access requests, {SAGA_HOPS} hops, RabbitMQ")
    for column in ("measure", "requests/s", "ratio to ceiling"):
        table.add_column(column, justify="right" if column != "measure" else "left")
    table.add_row("no-op relay chain (ceiling)", f"{relay_rate:,.1f}", "1.00")
    where = "SQLite" if args.sqlite else "PostgreSQL"
    table.add_row(f"full saga, all workers, {where}", f"{saga_rate:,.1f}",
                  f"{saga_rate / relay_rate:.3f}")
    console.print(table)


if __name__ == "__main__":
    main()
