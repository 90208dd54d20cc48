"""Which store does what for each right: data, not scattered conditions.

Each store decides per category inside its own walls (holds, active contract), and says why
in its outcome; this table says which stores are asked to act for each right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contracts.backoffice import InventoryItem, StoreAction
from contracts.vocabulary import Category, Right, Store
from services.rulebook.disputes import TRAFFIC_ITEMS, disputed

STORE_ACTIONS: dict[Right, dict[Store, StoreAction]] = {
    Right.ACCESS: {Store.CRM: StoreAction.EXPORT, Store.BILLING: StoreAction.EXPORT,
                   Store.CDR: StoreAction.EXPORT},
    Right.ERASURE: {Store.CRM: StoreAction.ERASE, Store.BILLING: StoreAction.ERASE,
                    Store.CDR: StoreAction.ERASE},
    Right.RESTRICTION: {Store.CRM: StoreAction.RESTRICT, Store.BILLING: StoreAction.RESTRICT,
                        Store.CDR: StoreAction.RESTRICT},
    Right.RECTIFICATION: {Store.CRM: StoreAction.RECTIFY, Store.BILLING: StoreAction.RECTIFY,
                          Store.CDR: StoreAction.RECTIFY},
    Right.OBJECTION: {Store.CRM: StoreAction.OPT_OUT},
}


# The CDR holds no data a rectification changes: it is asked only to restrict the traffic
# events a usage dispute names (``services.rulebook.disputes``).
ONLY_FOR_DISPUTES = frozenset({(Right.RECTIFICATION, Store.CDR)})


@dataclass(frozen=True)
class StoreStep:
    store: Store
    action: StoreAction
    categories: tuple[Category, ...]


def plan(right: Right, inventory: list[InventoryItem], requested: list[Category],
         corrections: Mapping[str, str] | None = None) -> list[StoreStep]:
    """One step per store that holds data in the requested categories (all, if none named);
    none for a rectification with nothing left to correct (every correction refused)."""
    if right is Right.RECTIFICATION and not corrections:
        return []
    wanted = set(requested) or set(Category)
    traffic_disputed = bool(disputed(corrections or {}, TRAFFIC_ITEMS))
    steps = []
    for store, action in STORE_ACTIONS[right].items():
        if (right, store) in ONLY_FOR_DISPUTES and not traffic_disputed:
            continue
        held = sorted({i.category for i in inventory
                       if i.store is store and i.records and i.category in wanted})
        if held:
            steps.append(StoreStep(store, action, tuple(held)))
    return steps
