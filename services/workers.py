"""Every worker and store service by name, in saga order."""

from __future__ import annotations

from importlib import import_module

from services.runtime.routing import Worker

SAGA = ("intake", "identity", "discovery", "fulfilment", "notification")
STORES = ("crm", "billing", "cdr")
OBSERVERS = ("audit",)
ALL = SAGA + STORES + OBSERVERS


def worker(name: str) -> Worker:
    if name not in ALL:
        raise KeyError(f"unknown worker {name!r}; choose from {', '.join(ALL)}")
    found: Worker = import_module(f"services.{name}.routes").WORKER
    return found


def workers(names: tuple[str, ...] = ALL) -> list[Worker]:
    return [worker(name) for name in names]
