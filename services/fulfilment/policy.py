"""Which store does what for each right: data, not scattered conditions.

Each store decides per category inside its own walls (holds, active contract), and says why
in its outcome; this table says which stores are asked to act for each right.
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.backoffice import InventoryItem, StoreAction
from contracts.vocabulary import Category, Right, Store

STORE_ACTIONS: dict[Right, dict[Store, StoreAction]] = {
    Right.ACCESS: {Store.CRM: StoreAction.EXPORT, Store.BILLING: StoreAction.EXPORT,
                   Store.CDR: StoreAction.EXPORT},
    Right.ERASURE: {Store.CRM: StoreAction.ERASE, Store.BILLING: StoreAction.ERASE,
                    Store.CDR: StoreAction.ERASE},
    Right.RESTRICTION: {Store.CRM: StoreAction.RESTRICT, Store.BILLING: StoreAction.RESTRICT,
                        Store.CDR: StoreAction.RESTRICT},
    Right.RECTIFICATION: {Store.CRM: StoreAction.RECTIFY, Store.BILLING: StoreAction.RECTIFY},
    Right.OBJECTION: {Store.CRM: StoreAction.OPT_OUT},
}


@dataclass(frozen=True)
class StoreStep:
    store: Store
    action: StoreAction
    categories: tuple[Category, ...]


def plan(right: Right, inventory: list[InventoryItem],
         requested: list[Category]) -> list[StoreStep]:
    """One step per store that holds data in the requested categories (all, if none named)."""
    wanted = set(requested) or set(Category)
    steps = []
    for store, action in STORE_ACTIONS[right].items():
        held = sorted({i.category for i in inventory
                       if i.store is store and i.records and i.category in wanted})
        if held:
            steps.append(StoreStep(store, action, tuple(held)))
    return steps
