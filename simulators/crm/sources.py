"""Which CRM table holds which category, on what legal basis, for how long."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, Table, or_, select

from contracts.backoffice import Hold
from contracts.vocabulary import Category
from simulators.crm.tables import (
    agent_interactions,
    contact_points,
    customers,
    devices,
    holds,
    marketing_preferences,
    profiles,
    subscriptions,
)
from simulators.stores.sources import Scope, Source

C = Category
IDENTIFICATION_COLUMNS = ("customer_code", "kind", "full_name", "given_names", "surname",
                          "photo_ref", "profession", "nina", "rccm", "nif",
                          "representative_code", "status", "restricted")
CHARACTERISTIC_COLUMNS = ("date_of_birth", "place_of_birth", "gender", "nationality")

SOURCES = (
    Source(C.IDENTIFICATION, customers, "created_at", IDENTIFICATION_COLUMNS),
    Source(C.PERSONAL_CHARACTERISTICS, customers, "created_at",
           ("customer_code", *CHARACTERISTIC_COLUMNS, "restricted"), CHARACTERISTIC_COLUMNS),
    Source(C.CONTACT, contact_points, "recorded_at"),
    Source(C.PRODUCTS_SERVICES, subscriptions, "held_from"),
    Source(C.AGENT_INTERACTIONS, agent_interactions, "at"),
    Source(C.DEVICE, devices, "recorded_at"),
    Source(C.PROFILES_SCORES, profiles, "computed_at"),
    Source(C.PROFILES_SCORES, marketing_preferences, "updated_at"),
)
CATEGORIES = tuple(dict.fromkeys(s.category for s in SOURCES))

HOLD_KEEPS: Mapping[str, frozenset[Category]] = {
    "debt": frozenset({C.IDENTIFICATION, C.CONTACT}),
    "litigation": frozenset({C.IDENTIFICATION, C.CONTACT, C.PRODUCTS_SERVICES,
                             C.AGENT_INTERACTIONS}),
}
CONTRACT_KEEPS = frozenset({C.IDENTIFICATION, C.CONTACT, C.PRODUCTS_SERVICES})


@dataclass(frozen=True)
class ActiveHold:
    kind: str
    until: date | None


def subject_scope(customer_code: str) -> Scope:
    def scope(table: Table) -> ColumnElement[bool]:
        return table.c.customer_code == customer_code
    return scope


def active_holds(db: Connection, customer_code: str, now: datetime) -> list[ActiveHold]:
    rows = db.execute(select(holds.c.kind, holds.c.until).where(
        holds.c.customer_code == customer_code, holds.c.since <= now,
        or_(holds.c.until.is_(None), holds.c.until > now),
    )).all()
    return [ActiveHold(row.kind, row.until.date() if row.until else None) for row in rows]


def holds_on(category: Category, active: list[ActiveHold]) -> list[Hold]:
    return [Hold(kind=h.kind, until=h.until) for h in active
            if category in HOLD_KEEPS.get(h.kind, frozenset())]


def has_active_contract(db: Connection, customer_code: str, now: datetime) -> bool:
    row = db.execute(select(subscriptions.c.id).where(
        subscriptions.c.customer_code == customer_code, subscriptions.c.status == "active",
        or_(subscriptions.c.held_until.is_(None), subscriptions.c.held_until > now),
    ).limit(1)).first()
    return row is not None
