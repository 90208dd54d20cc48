"""Every worker and store service by name, in saga order."""

from __future__ import annotations

from services.audit import routes as audit
from services.delivery import routes as delivery
from services.discovery import routes as discovery
from services.fulfilment import routes as fulfilment
from services.identity import routes as identity
from services.intake import routes as intake
from services.notification import routes as notification
from services.runtime.routing import Worker
from simulators.stores.registry import STORE_SERVICES

SAGA = ("intake", "identity", "discovery", "fulfilment", "notification")
STORES = tuple(STORE_SERVICES)
OBSERVERS = ("audit",)
GATEWAYS = ("delivery",)
ALL = SAGA + STORES + OBSERVERS + GATEWAYS

_WORKERS: dict[str, Worker] = {
    **{w.name: w for w in (intake.WORKER, identity.WORKER, discovery.WORKER, fulfilment.WORKER,
                           notification.WORKER, audit.WORKER, delivery.WORKER)},
    **{name: store.worker for name, store in STORE_SERVICES.items()},
}


def worker(name: str) -> Worker:
    if name not in ALL:
        raise KeyError(f"unknown worker {name!r}; choose from {', '.join(ALL)}")
    return _WORKERS[name]


def workers(names: tuple[str, ...] = ALL) -> list[Worker]:
    return [worker(name) for name in names]
