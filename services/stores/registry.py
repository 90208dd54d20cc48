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
from services.billing import handlers as billing_handlers
from services.billing import routes as billing_routes
from services.billing import seed as billing_seed
from services.billing import tables as billing_tables
from services.cdr import handlers as cdr_handlers
from services.cdr import routes as cdr_routes
from services.cdr import seed as cdr_seed
from services.cdr import tables as cdr_tables
from services.crm import handlers as crm_handlers
from services.crm import routes as crm_routes
from services.crm import seed as crm_seed
from services.crm import tables as crm_tables
from services.population.generator import Population
from services.population.records import Subject
from services.runtime.routing import Worker

SubjectRows = Callable[[Subject], Iterator[tuple[Table, Iterable[Any]]]]


@dataclass(frozen=True)
class StoreService:
    """``subject_tables``: the personal data it holds; ``filled``/``cleared``: what its seed
    writes and empties; ``actions``: its handler for each store action."""

    name: str
    worker: Worker
    subject_tables: tuple[Table, ...]
    prepared_changes: Table
    actions: dict[StoreAction, Any]
    load: Callable[[Engine, Population], dict[str, int]]
    subject_rows: SubjectRows
    filled: tuple[Table, ...]
    cleared: tuple[Table, ...]


def _store(name: str, routes: Any, handlers: Any, tables: Any, seed: Any) -> StoreService:
    return StoreService(name=name, worker=routes.WORKER, subject_tables=tables.SUBJECT_TABLES,
                        prepared_changes=tables.prepared_changes, actions=handlers.ACTIONS,
                        load=seed.load, subject_rows=seed.subject_rows, filled=seed.FILLED,
                        cleared=seed.CLEARED)


STORE_SERVICES: dict[str, StoreService] = {s.name: s for s in (
    _store("crm", crm_routes, crm_handlers, crm_tables, crm_seed),
    _store("billing", billing_routes, billing_handlers, billing_tables, billing_seed),
    _store("cdr", cdr_routes, cdr_handlers, cdr_tables, cdr_seed),
)}


def store_service(name: str) -> StoreService:
    try:
        return STORE_SERVICES[name]
    except KeyError:
        raise KeyError(f"unknown store {name!r}; choose from "
                       f"{', '.join(STORE_SERVICES)}") from None
