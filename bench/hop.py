"""The cost of one hop beside its floor, on RabbitMQ and PostgreSQL, in the same run.

    python -m bench.hop [--messages 1000] [--database-url postgresql://…/db]

The floor is what no hop can do without: one PostgreSQL transaction with one insert, then one
publish the broker confirms, one message after the other. The hop is the workers' runtime
carrying one message through a worker whose handler inserts one row and publishes one event:
delivery, parsing and validation, the inbox, the handler, the outbox, commit, ack, the
confirmed publish and the outbox row's deletion, with the middleware, logs and metrics of
every worker. It is measured one message at a time (latency, beside the floor) and with
``--messages`` in flight (the cost per message when the worker is busy, as in a flood).
RabbitMQ is ``DSR_AMQP_URL``; PostgreSQL ``--database-url`` or ``DSR_BENCH_DATABASE_URL``
(default the local ``test`` database), in a schema of its own dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pika
from pydantic import Field
from rich.console import Console
from rich.table import Table
from sqlalchemy import Column, Engine, Integer, MetaData, String, insert, text
from sqlalchemy import Table as SqlTable

from contracts.envelope import CONTENT_TYPE, EVENTS_EXCHANGE, CloudEvent, Message
from services.bootstrap import App, bootstrap
from services.runtime.database import messaging_tables, utcnow_column
from services.runtime.deps import Deps
from services.runtime.routing import Worker, on, publishes
from services.runtime.settings import Settings

console = Console(width=120)
NAME = "benchhop"
SINK = "bench.hop.sink"


class Ping(Message):
    message_type: ClassVar[str] = "bench.hop.ping.v1"
    n: int = Field(ge=0)


class Pong(Message):
    message_type: ClassVar[str] = "bench.hop.pong.v1"
    n: int = Field(ge=0)


metadata = MetaData()
messaging_tables(metadata)
rows = SqlTable("rows", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("n", Integer, nullable=False), Column("note", String(40), nullable=False),
                utcnow_column("at"))


def relay(ping: Ping, deps: Deps) -> None:
    deps.db.execute(insert(rows).values(n=ping.n, note="hop", at=deps.now()))
    deps.publish(Pong(n=ping.n))


WORKER = Worker(name=NAME, tables=metadata, routes=(on(Ping, relay),),
                publishes=publishes(Pong))


def floor(engine: Engine, channel: pika.adapters.blocking_connection.BlockingChannel,
          count: int, body: bytes) -> float:
    """Seconds per (transaction with one insert, then one confirmed publish)."""
    statement = insert(rows)
    started = time.perf_counter()
    for n in range(count):
        with engine.begin() as conn:
            conn.execute(statement, {"n": n, "note": "floor", "at": datetime.now(UTC)})
        channel.basic_publish("", SINK, body, pika.BasicProperties(
            content_type=CONTENT_TYPE, delivery_mode=2))
    return (time.perf_counter() - started) / count


def ping(n: int) -> bytes:
    return CloudEvent.wrap(Ping(n=n), source="urn:bench").to_json()


def hop_latency(channel: pika.adapters.blocking_connection.BlockingChannel,
                count: int) -> float:
    """Seconds per hop, one message in flight at a time."""
    arrivals = channel.consume(SINK, auto_ack=True, inactivity_timeout=30)
    started = time.perf_counter()
    for n in range(count):
        channel.basic_publish(EVENTS_EXCHANGE, Ping.message_type, ping(n), pika.BasicProperties(
            content_type=CONTENT_TYPE, delivery_mode=2))
        method, _props, _body = next(arrivals)
        if method is None:
            raise RuntimeError("a hop took more than 30 s")
    elapsed = time.perf_counter() - started
    channel.cancel()
    return elapsed / count


def hop_busy(channel: pika.adapters.blocking_connection.BlockingChannel, count: int) -> float:
    """Seconds per hop with ``count`` messages published at once."""
    started = time.perf_counter()
    for n in range(count):
        channel.basic_publish(EVENTS_EXCHANGE, Ping.message_type, ping(n), pika.BasicProperties(
            content_type=CONTENT_TYPE, delivery_mode=2))
    while (channel.queue_declare(SINK, passive=True).method.message_count or 0) < count:
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    channel.queue_purge(SINK)
    return elapsed / count


@contextmanager
def running(app: App) -> Iterator[None]:
    runner = app.amqp_runner()
    thread = threading.Thread(target=runner.run, name="workers", daemon=True)
    thread.start()
    try:
        if not runner.connected.wait(30):
            raise RuntimeError("the worker did not connect to RabbitMQ")
        yield
    finally:
        runner.stop()
        thread.join(30)


def measure(url: str, database_url: str, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(amqp_url=url, database_url=database_url, data_dir=Path(data_dir),
                            log_level="INFO", health_port=0)
        app = bootstrap(settings, names=(), workers=(WORKER,))
        try:
            return _measure(app, url, count)
        finally:
            with app.engine(NAME).begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{NAME}" CASCADE'))
            app.dispose()


def _measure(app: App, url: str, count: int) -> dict[str, float]:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    channel = connection.channel()
    channel.queue_delete(WORKER.queue)
    channel.queue_declare(SINK, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_purge(SINK)
    figures: dict[str, float] = {}
    with running(app):
        channel.queue_bind(SINK, EVENTS_EXCHANGE, Pong.message_type)
        channel.confirm_delivery()
        figures["floor"] = floor(app.engine(NAME), channel, count, ping(0))
        channel.queue_purge(SINK)
        hop_latency(channel, min(count, 50))  # warm-up
        figures["hop, one at a time"] = hop_latency(channel, count)
        figures["hop, all in flight"] = hop_busy(channel, count)
    channel.queue_delete(SINK)
    channel.queue_delete(WORKER.queue)
    connection.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get(
        "DSR_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    url = os.environ.get("DSR_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    with console.status("measuring the floor, then the hop"):
        figures = measure(url, args.database_url, args.messages)
    table = Table(title=f"One hop beside its floor, {args.messages:,} messages each, "
                        "RabbitMQ + PostgreSQL")
    for column in ("measure", "ms per message", "ratio to floor"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    base = figures["floor"]
    table.add_row("floor: one transaction with one insert, then one confirmed publish",
                  f"{base * 1000:.2f}", "1.00")
    for name, seconds in figures.items():
        if name != "floor":
            table.add_row(name, f"{seconds * 1000:.2f}", f"{seconds / base:.2f}")
    console.print(table)


if __name__ == "__main__":
    main()
