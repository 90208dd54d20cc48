"""``dsr seed``: fill the three simulated stores from one deterministic population."""

from __future__ import annotations

from importlib import import_module

from rich.console import Console

from services.population.generator import Population, build_population
from services.runtime.database import create_service_engine
from services.runtime.settings import Settings
from services.workers import STORES, worker


def load_population(settings: Settings, population: Population,
                    console: Console | None = None, prefix: str = "") -> dict[str, int]:
    """Write each store's part of ``population`` into that store's own database
    (``prefix + store``), in batches."""
    counts: dict[str, int] = {}
    for store in STORES:
        engine = create_service_engine(prefix + store, settings, worker(store).tables)
        try:
            if console is not None:
                console.print(f"seeding [bold]{prefix + store}[/] …")
            loaded = import_module(f"services.{store}.seed").load(engine, population)
            counts.update({f"{store}.{table}": rows for table, rows in loaded.items()})
        finally:
            engine.dispose()
    return counts


def seed_stores(settings: Settings, seed: int, subscribers: int, cdr_per_subscriber: int,
                console: Console | None = None) -> dict[str, int]:
    population = build_population(seed, subscribers, cdr_per_subscriber)
    return load_population(settings, population, console)
