"""The layout is the architecture: who may import whom, read from the source itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROKER_LIBRARIES = ("pika", "kombu", "dramatiq")
WORKERS = ("intake", "identity", "discovery", "fulfilment", "notification", "audit", "delivery")
TOOLS = ("services/cli", "bench")
DRAMATIQ_ENTRY = "services/delivery/actors.py: dramatiq"
#: The product's own code: what runs in production whatever the back-office systems are.
PRODUCT = (*(f"services/{w}" for w in WORKERS), "services/access_package", "services/rulebook",
           "services/runtime", "services/console")
#: A service's or a simulated store's tables (``services.cli.tables`` is the CLI's own).
SERVICE_TABLES = re.compile(r"(services\.(?!cli\.)|simulators\.)\w+\.tables(\.|$)")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def names_of(path: Path) -> set[str]:
    """What ``path`` imports (modules, and ``module.name`` of each name taken from one) and
    every name and attribute it uses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = imports_of(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offending(folder: str, allowed: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{path.relative_to(ROOT)}: {name}" for path in modules(folder)
            for name in sorted(imports_of(path))
            if name.startswith(forbidden) and not name.startswith(allowed)]


def test_contracts_import_nothing_from_services() -> None:
    assert offending("contracts", (), ("services", "simulators", "bench", "tests")) == []


@pytest.mark.parametrize("folder", PRODUCT)
def test_the_product_knows_no_simulator(folder: str) -> None:
    """The workers reach the stores only through store commands: a real CRM can replace the
    simulated one without a change in ``services/``."""
    assert offending(folder, (), ("simulators",)) == []


def test_the_simulators_know_only_the_contract_runtime_and_rulebook() -> None:
    assert offending("simulators", ("services.runtime", "services.rulebook"),
                     ("services", "bench", "tests")) == []


def test_the_runtime_knows_no_worker() -> None:
    assert offending("services/runtime", ("services.runtime",), ("services.",)) == []


@pytest.mark.parametrize("worker", WORKERS)
def test_no_handler_imports_a_broker_library(worker: str) -> None:
    found = offending(f"services/{worker}", (), BROKER_LIBRARIES)
    assert [f for f in found if not f.startswith(DRAMATIQ_ENTRY)] == []


def test_in_the_delivery_worker_only_the_actors_know_dramatiq() -> None:
    """The channels are plain functions over ports; ``actors.py`` is the thin dramatiq edge."""
    found = offending("services/delivery", (), BROKER_LIBRARIES)
    assert found and all(f.startswith(DRAMATIQ_ENTRY) for f in found)


@pytest.mark.parametrize("worker", WORKERS)
def test_a_worker_reads_no_other_workers_tables(worker: str) -> None:
    others = tuple(f"services.{w}.tables" for w in WORKERS if w != worker)
    assert offending(f"services/{worker}", (), others) == []


@pytest.mark.parametrize("folder", TOOLS)
def test_the_tools_read_no_services_tables(folder: str) -> None:
    """The CLI and the benches read a service's tables only through its own query modules."""
    assert [f"{path.relative_to(ROOT)}: {name}" for path in modules(folder)
            for name in sorted(names_of(path)) if SERVICE_TABLES.match(name)] == []


@pytest.mark.parametrize("folder", TOOLS)
def test_the_tools_build_no_adapters(folder: str) -> None:
    """Engines come from ``services.bootstrap``, the one place real adapters are built."""
    assert [f"{path.relative_to(ROOT)}: {name}" for path in modules(folder)
            for name in sorted(names_of(path))
            if name.rsplit(".", 1)[-1] == "create_service_engine"] == []


def test_the_console_reads_other_services_only_through_their_query_modules() -> None:
    """The console's own tables are its staff; requests come from the services' queries."""
    assert [f"{path.relative_to(ROOT)}: {name}" for path in modules("services/console")
            for name in sorted(names_of(path)) if SERVICE_TABLES.match(name)
            and not name.startswith("services.console.tables")] == []


def test_the_cli_reads_its_settings_once() -> None:
    """Only the ``main`` group builds ``Settings()``; every command is handed them."""
    def builds_settings(path: Path) -> bool:
        return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                   and node.func.id == "Settings"
                   for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))

    assert [str(path.relative_to(ROOT)) for path in modules("services/cli")
            if builds_settings(path)] == ["services/cli/main.py"]


def test_the_console_shares_operations_code_not_the_cli() -> None:
    """What ``dsr dlq`` and the console both do lives in ``services/operations``."""
    assert offending("services/console", (), ("services.cli",)) == []
    assert offending("services/operations", (), ("services.cli", "services.console")) == []
