"""``dsr seed``: fill the three simulated stores from one deterministic population."""

from __future__ import annotations

from rich.console import Console

from services.bootstrap import services_of
from services.runtime.settings import Settings
from services.workers import STORES
from simulators.population.generator import Population, build_population
from simulators.stores.registry import store_service


def load_population(settings: Settings, population: Population,
                    console: Console | None = None, prefix: str = "") -> dict[str, int]:
    """Write each store's part of ``population`` into that store's own database
    (``prefix + store``), in batches."""
    counts: dict[str, int] = {}
    with services_of(settings, *STORES, prefix=prefix) as app:
        for store in STORES:
            if console is not None:
                console.print(f"seeding [bold]{prefix + store}[/] …")
            loaded = store_service(store).load(app.engine(store), population)
            counts.update({f"{store}.{table}": rows for table, rows in loaded.items()})
    return counts


def seed_stores(settings: Settings, seed: int, subscribers: int, cdr_per_subscriber: int,
                console: Console | None = None) -> dict[str, int]:
    population = build_population(seed, subscribers, cdr_per_subscriber)
    return load_population(settings, population, console)
