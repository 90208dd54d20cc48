"""Seeded CRM, billing and CDR stores driven through the real Processor, without a broker."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from contracts.backoffice import Holding, StoreAction, StoreCommand
from contracts.envelope import CloudEvent
from contracts.vocabulary import Store
from services.runtime.clock import FakeClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import Delivery, Done
from services.runtime.processor import Processor
from services.runtime.routing import Worker
from services.runtime.settings import Settings
from services.runtime.signing import sign
from simulators.billing import routes as billing_routes
from simulators.billing import seed as billing_seed
from simulators.cdr import routes as cdr_routes
from simulators.cdr import seed as cdr_seed
from simulators.crm import routes as crm_routes
from simulators.crm import seed as crm_seed
from simulators.population.generator import Population, build_population

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
REFERENCE = "DSR-2026-000042"
Loader = Callable[[Engine, Population], dict[str, int]]
STORES: dict[str, tuple[Worker, Loader]] = {
    "crm": (crm_routes.WORKER, crm_seed.load),
    "billing": (billing_routes.WORKER, billing_seed.load),
    "cdr": (cdr_routes.WORKER, cdr_seed.load),
}


@dataclass
class Stores:
    settings: Settings
    population: Population
    processors: dict[str, Processor]
    bodies: list[bytes] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def engine(self, store: str) -> Engine:
        return self.processors[store].engine

    def send(self, store: str, action: str, command_id: str | None = None,
             **fields: Any) -> dict[str, Any]:
        """Deliver one command; return the data of the one StoreResult it published."""
        command = StoreCommand(
            command_id=command_id or f"cmd-{next(self._ids)}", reference=REFERENCE,
            store=Store(store), action=StoreAction(action), **fields)
        event = CloudEvent.wrap(command, source="test", subject=REFERENCE, time=NOW)
        delivery = Delivery(body=sign(event, self.settings.command_key).to_json(),
                            routing_key=command.routing_type())
        outcome = self.processors[store].process(delivery)
        assert isinstance(outcome, Done), outcome
        assert len(outcome.to_publish) == 1
        self.bodies += [record.body for record in outcome.to_publish]
        data: dict[str, Any] = json.loads(outcome.to_publish[0].body)["data"]
        return data

    def holdings(self, customer_code: str) -> list[Holding]:
        found = self.send("crm", "discover", customer_code=customer_code)["holdings"]
        return [Holding.model_validate(h) for h in found]

    def close(self) -> None:
        for processor in self.processors.values():
            processor.engine.dispose()

    def read_export(self, relative: str) -> str:
        return (self.settings.data_dir / relative).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Backend:
    """Where the stores live: SQLite files, or PostgreSQL schemas named ``prefix + store``."""

    database_url: str | None = None
    prefix: str = ""


def seeded_stores(tmp_path: Path, backend: Backend, subscribers: int = 6,
                  cdr_per_subscriber: int = 80, **overrides: Any) -> Stores:
    settings = Settings(data_dir=tmp_path, database_url=backend.database_url,
                        **overrides)
    population = build_population(seed=7400, subscribers=subscribers,
                                  cdr_per_subscriber=cdr_per_subscriber, now=NOW)
    stores = stores_over(settings, backend.prefix, population)
    for name, (_, load) in STORES.items():
        load(stores.engine(name), population)
    return stores


def stores_over(settings: Settings, prefix: str, population: Population) -> Stores:
    """The three store services on the databases ``prefix + store``."""
    processors = {name: Processor(worker, create_service_engine(prefix + name, settings,
                                                                worker.tables),
                                  settings, FakeClock(NOW))
                  for name, (worker, _) in STORES.items()}
    return Stores(settings, population, processors)


def outcomes_by(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """A result's outcomes keyed by (category, action)."""
    return {(o["category"], o["action"]): o for o in result["outcomes"]}
