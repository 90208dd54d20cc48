"""The layout is the architecture: who may import whom, read from the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKER_LIBRARIES = ("pika", "kombu", "dramatiq")
WORKERS = ("intake", "identity", "discovery", "fulfilment", "notification", "audit")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)}: {name}" for path in modules(folder)
            for name in sorted(imports_of(path))
            if name.startswith(forbidden) and not name.startswith(allowed)]


def test_contracts_import_nothing_from_services() -> None:
    assert offending("contracts", (), ("services", "bench", "tests")) == []


def test_the_runtime_knows_no_worker() -> None:
    assert offending("services/runtime", ("services.runtime",), ("services.",)) == []


@pytest.mark.parametrize("worker", WORKERS)
def test_no_handler_imports_a_broker_library(worker: str) -> None:
    assert offending(f"services/{worker}", (), BROKER_LIBRARIES) == []


@pytest.mark.parametrize("worker", WORKERS)
def test_a_worker_reads_no_other_workers_tables(worker: str) -> None:
    others = tuple(f"services.{w}.tables" for w in WORKERS if w != worker)
    assert offending(f"services/{worker}", (), others) == []
