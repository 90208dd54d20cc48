"""CRM erasure: per category, erase or anonymise unless a hold or the running contract keeps it.

Set-based: one statement per table, never a loop over rows. The customer row itself is
anonymised (keyed pseudonym), not deleted: billing still refers to its customer code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, update

from contracts.backoffice import StoreCommand, StoreOutcome, StoreResult
from contracts.vocabulary import Action, Category
from services.rulebook.retention import (
    SUPPRESSION_LIST,
    Retention,
    kept_for_contract,
    outcome,
)
from services.runtime.deps import Deps
from simulators.crm.sources import (
    CATEGORIES,
    CHARACTERISTIC_COLUMNS,
    CONTRACT_KEEPS,
    HOLD_KEEPS,
    SOURCES,
    ActiveHold,
    active_holds,
    has_active_contract,
    subject_scope,
)
from simulators.crm.tables import (
    agent_interactions,
    contact_points,
    customers,
    devices,
    marketing_preferences,
    profiles,
    pseudonym_keys,
    subscriptions,
)
from simulators.stores.commands import CommandRefused, answer, require_customer_code
from simulators.stores.sources import HELD, mark, spans, tables_of, wanted

C = Category
DELETED_WITH: dict[Category, Table] = {
    C.CONTACT: contact_points, C.PRODUCTS_SERVICES: subscriptions,
    C.AGENT_INTERACTIONS: agent_interactions, C.DEVICE: devices, C.PROFILES_SCORES: profiles,
}
IDENTIFIERS_CLEARED = ("given_names", "surname", "photo_ref", "profession", "nina", "rccm",
                       "nif", "representative_code")


@dataclass(frozen=True)
class Keep:
    """Why a category stays: a hold (data restricted meanwhile) or the running contract."""

    hold: str | None
    until: date | None = None


def erase(command: StoreCommand, deps: Deps) -> StoreResult:
    code = require_customer_code(command)
    if deps.db.execute(select(customers.c.customer_code)
                       .where(customers.c.customer_code == code)).first() is None:
        raise CommandRefused(f"no customer {code} in the CRM")
    categories = wanted(command, CATEGORIES)
    holds = active_holds(deps.db, code, deps.now())
    contract = has_active_contract(deps.db, code, deps.now())
    counts = spans(deps.db, SOURCES, subject_scope(code), categories)
    customer_values: dict[str, Any] = {}
    outcomes: list[StoreOutcome] = []
    for category in categories:
        records = counts[category].records
        if not records:
            continue
        keep = _keep(category, holds, contract)
        if keep is None:
            outcomes += _erase(deps.db, code, category, records, customer_values)
        else:
            outcomes.append(_retain(deps.db, code, category, records, keep, customer_values,
                                    Retention.of(deps.settings)))
    if customer_values:
        deps.db.execute(update(customers).where(customers.c.customer_code == code)
                        .values(**customer_values))
    return answer(command, outcomes=outcomes)


def _keep(category: Category, holds: list[ActiveHold], contract: bool) -> Keep | None:
    for hold in holds:
        if category in HOLD_KEEPS.get(hold.kind, frozenset()):
            return Keep(hold.kind, hold.until)
    return Keep(None) if contract and category in CONTRACT_KEEPS else None


def _retain(db: Connection, code: str, category: Category, records: int, keep: Keep,
            customer_values: dict[str, Any], retention: Retention) -> StoreOutcome:
    if keep.hold is None:
        return kept_for_contract(category, records)
    for table in tables_of(SOURCES, [category]):
        if table is customers:
            customer_values.update(restricted=True, restricted_by=HELD)
        else:
            mark(db, table, table.c.customer_code == code, HELD)
    return retention.retained(category, records, keep.hold, keep.until)


def _erase(db: Connection, code: str, category: Category, records: int,
           customer_values: dict[str, Any]) -> list[StoreOutcome]:
    if category is C.IDENTIFICATION:
        customer_values.update(dict.fromkeys(IDENTIFIERS_CLEARED), anonymised=True,
                               full_name=_pseudonym(db, code))
        return [outcome(category, Action.ANONYMISE, records)]
    if category is C.PERSONAL_CHARACTERISTICS:
        customer_values.update(dict.fromkeys(CHARACTERISTIC_COLUMNS))
        return [outcome(category, Action.ERASE, records)]
    table = DELETED_WITH[category]
    deleted = db.execute(delete(table).where(table.c.customer_code == code)).rowcount
    results = [outcome(category, Action.ERASE, deleted)] if deleted else []
    if category is C.PROFILES_SCORES:
        t = marketing_preferences
        kept = db.execute(update(t).where(t.c.customer_code == code)
                          .values(opted_in=False)).rowcount
        if kept:
            results.append(outcome(category, Action.OPT_OUT, kept, SUPPRESSION_LIST))
    return results


def _pseudonym(db: Connection, code: str) -> str:
    """A keyed pseudonym: stable for one customer, not reversible without the CRM's key."""
    key = db.execute(select(pseudonym_keys.c.secret)
                     .where(pseudonym_keys.c.name == "erasure")).scalar_one_or_none()
    if key is None:
        key = secrets.token_bytes(32)
        db.execute(insert(pseudonym_keys).values(name="erasure", secret=key))
    digest = hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:16]
    return f"Client anonyme {digest}"
