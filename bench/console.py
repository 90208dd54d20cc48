"""The console's request list and DPO dashboard on 100,000 requests in PostgreSQL.

    python -m bench.console [--requests 100000] [--rounds 30] [--reuse]

Fills the registry (intake) and the register (audit) of the schemas ``bench_console_*`` of
DSR_BENCH_DATABASE_URL with synthetic requests (through each service's own bulk module),
then times pages through the console's ASGI app, signed in as a DPO (session, role check,
query, template), against a baseline run in the same process: one plain ``SELECT`` of the
same rows with psycopg. Prints the median and 95th percentile of each, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table
from starlette.testclient import TestClient

from services.audit import bulk as audit_bulk
from services.bootstrap import console as console_deps
from services.bootstrap import services_of
from services.console.app import create_app
from services.console.repository import add_user, staff
from services.console.roles import Role
from services.intake import bulk as intake_bulk
from services.intake import queries as intake_queries
from services.runtime.clock import FakeClock
from services.runtime.settings import Settings

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
PREFIX = "bench_console_"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
PASSWORD = "bench-console-password"
FINAL = ", ".join(f"'{s}'" for s in intake_queries.FINAL)
COLUMNS = 'reference, "right", channel, state, received_at, target_on, due_on'
console = Console(width=150)


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def plain(url: str, schema: str, sql: str) -> Callable[[], object]:
    connection = psycopg.connect(url, autocommit=True,
                                 options=f"-csearch_path={schema}")
    return lambda: connection.execute(sql).fetchall()


def page_of(browser: TestClient, path: str) -> Callable[[], object]:
    def fetch() -> object:
        answer = browser.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return answer.text
    return fetch


def cases(deep: tuple[str, str], size: int) -> list[tuple[str, str, str]]:
    """(what, console path, the plain SELECT of the same rows)."""
    open_rows = f"SELECT {COLUMNS} FROM requests WHERE state NOT IN ({FINAL})"
    today = NOW.date().isoformat()
    order = f"ORDER BY due_on, reference LIMIT {size + 1}"
    return [
        ("list, first page", "/requests", f"SELECT {COLUMNS} FROM requests {order}"),
        ("list, page ~1,000 (keyset)", f"/requests?after={deep[0]}~{deep[1]}",
         f"SELECT {COLUMNS} FROM requests WHERE (due_on, reference) > "
         f"('{deep[0]}', '{deep[1]}') {order}"),
        ("list, state = manual_review", "/requests?state=manual_review",
         f"SELECT {COLUMNS} FROM requests WHERE state = 'manual_review' {order}"),
        ("list, past due", "/requests?past_due=1",
         f"{open_rows} AND due_on < '{today}' {order}"),
        ("list, erasure by post, past target", "/requests?right=erasure&channel=postal"
         "&past_target=1", f"{open_rows} AND \"right\" = 'erasure' AND channel = 'postal' "
         f"AND target_on < '{today}' {order}"),
        ("dashboard (every open request, the month's answers)", "/dashboard",
         f"{open_rows}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the rows of a last run")
    args = parser.parse_args()
    url = os.environ.get("DSR_BENCH_DATABASE_URL", DEFAULT_URL)
    settings = Settings(database_url=url, data_dir=Path(tempfile.mkdtemp()),
                        log_level="ERROR")
    clock = FakeClock(NOW)
    with services_of(settings, "intake", "identity", "fulfilment", "audit", clock=clock,
                     prefix=PREFIX) as app:
        intake = app.engine("intake")
        if not args.reuse or not intake_queries.request_page(
                intake, intake_queries.RequestFilter(), NOW.date(), None, 1):
            started = time.perf_counter()
            rows = list(intake_bulk.synthetic(args.requests, NOW))
            intake_bulk.load(intake, rows)
            audit_bulk.load(app.engine("audit"), rows)
            console.print(f"loaded {len(rows):,} requests in "
                          f"{time.perf_counter() - started:,.1f} s")
        deps, _ = console_deps(settings, clock, app=app, prefix=PREFIX)
        if staff(deps.staff, "bench-dpo") is None:
            add_user(deps.staff, "bench-dpo", "Bench DPO", Role.DPO, "en", PASSWORD,
                     clock.now())
        browser = TestClient(create_app(deps), base_url="http://console.bench")
        token = re.search(r'name="csrf" value="([^"]+)"', browser.get("/login").text)
        assert token is not None
        browser.post("/login", data={"csrf": token.group(1), "username": "bench-dpo",
                                     "password": PASSWORD})
        size = settings.console_page_size
        listed = intake_queries.request_page(intake, intake_queries.RequestFilter(),
                                             NOW.date(), None, size * 1000)
        deep = (listed[-1].due_on.isoformat(), listed[-1].reference)
        report(browser, url, [cases(deep, size)], args.rounds, args.requests)
        deps.staff.dispose()


def report(browser: TestClient, url: str, groups: list[list[tuple[str, str, str]]],
           rounds: int, count: int) -> None:
    table = Table(title=f"Console pages on {count:,} requests (PostgreSQL), {rounds} rounds")
    for column in ("page", "median ms", "p95 ms", "plain SELECT median ms",
                   "plain SELECT p95 ms", "ratio (medians)"):
        table.add_column(column, justify="left" if column == "page" else "right")
    for what, path, sql in (case for group in groups for case in group):
        page = timed(page_of(browser, path), rounds)
        base = timed(plain(url, f"{PREFIX}intake", sql), rounds)
        table.add_row(what, f"{statistics.median(page):.1f}", f"{p95(page):.1f}",
                      f"{statistics.median(base):.2f}", f"{p95(base):.2f}",
                      f"{statistics.median(page) / statistics.median(base):.1f}")
    console.print(table)


if __name__ == "__main__":
    main()
