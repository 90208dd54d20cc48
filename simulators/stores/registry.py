"""Every simulated back-office store as one record: its worker, its tables, its seed.

Adding a store is one package (``routes``, ``handlers``, ``tables``, ``seed``) and one line
here; nothing else looks a store up by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table

from contracts.backoffice import StoreAction
from contracts.vocabulary import Category
from services.runtime.routing import Worker
from simulators.billing import handlers as billing_handlers
from simulators.billing import routes as billing_routes
from simulators.billing import seed as billing_seed
from simulators.billing import sources as billing_sources
from simulators.billing import tables as billing_tables
from simulators.cdr import handlers as cdr_handlers
from simulators.cdr import routes as cdr_routes
from simulators.cdr import seed as cdr_seed
from simulators.cdr import sources as cdr_sources
from simulators.cdr import tables as cdr_tables
from simulators.crm import handlers as crm_handlers
from simulators.crm import routes as crm_routes
from simulators.crm import seed as crm_seed
from simulators.crm import sources as crm_sources
from simulators.crm import tables as crm_tables
from simulators.population.generator import Population
from simulators.population.records import Subject

SubjectRows = Callable[[Subject], Iterator[tuple[Table, Iterable[Any]]]]


@dataclass(frozen=True)
class StoreService:
    """``subject_tables``: the personal data it holds; ``categories``: the rulebook's
    categories found in them; ``filled``/``cleared``: what its seed writes and empties;
    ``actions``: its handler for each store action."""

    name: str
    categories: tuple[Category, ...]
    worker: Worker
    subject_tables: tuple[Table, ...]
    prepared_changes: Table
    actions: dict[StoreAction, Any]
    load: Callable[[Engine, Population], dict[str, int]]
    subject_rows: SubjectRows
    filled: tuple[Table, ...]
    cleared: tuple[Table, ...]


def _store(name: str, routes: Any, handlers: Any, tables: Any, sources: Any, seed: Any
           ) -> StoreService:
    return StoreService(name=name, categories=tuple(sources.CATEGORIES), worker=routes.WORKER,
                        subject_tables=tables.SUBJECT_TABLES,
                        prepared_changes=tables.prepared_changes, actions=handlers.ACTIONS,
                        load=seed.load, subject_rows=seed.subject_rows, filled=seed.FILLED,
                        cleared=seed.CLEARED)


STORE_SERVICES: dict[str, StoreService] = {s.name: s for s in (
    _store("crm", crm_routes, crm_handlers, crm_tables, crm_sources, crm_seed),
    _store("billing", billing_routes, billing_handlers, billing_tables, billing_sources,
           billing_seed),
    _store("cdr", cdr_routes, cdr_handlers, cdr_tables, cdr_sources, cdr_seed),
)}


def store_service(name: str) -> StoreService:
    try:
        return STORE_SERVICES[name]
    except KeyError:
        raise KeyError(f"unknown store {name!r}; choose from "
                       f"{', '.join(STORE_SERVICES)}") from None
