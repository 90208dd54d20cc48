"""CRM rectification: contact data and the identity fields the command carries.

Which identity corrections may be applied is fulfilment's decision (rulebook §6: only a value
the verified identity document shows, ``services.fulfilment.proof``); the signed command
carries only those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from contracts.backoffice import StoreCommand, StoreOutcome, StoreResult
from contracts.corrections import IDENTITY_FIELDS
from contracts.vocabulary import Action, Category
from services.rulebook.retention import outcome
from services.runtime.deps import Deps
from simulators.crm.tables import contact_points, customers
from simulators.stores.commands import CommandRefused, answer, require_customer_code

CONTACT_KINDS: Mapping[str, str] = {
    "email": "email", "address": "address", "postal_address": "postal", "phone": "phone",
    "fax": "fax",
}
INVALID_DATE = "date de naissance invalide (format attendu AAAA-MM-JJ)"


def rectify(command: StoreCommand, deps: Deps) -> StoreResult:
    code = require_customer_code(command)
    current = deps.db.execute(select(customers).where(customers.c.customer_code == code)).first()
    if current is None:
        raise CommandRefused(f"no customer {code} in the CRM")
    corrections = command.corrections.given()
    outcomes: list[StoreOutcome] = []
    contact = {key: value for key, value in corrections.items() if key in CONTACT_KINDS}
    if contact:
        _correct_contact(deps.db, code, contact, deps.now())
        outcomes.append(outcome(Category.CONTACT, Action.RECTIFY, len(contact)))
    identity = {key: value for key, value in corrections.items() if key in IDENTITY_FIELDS}
    if identity:
        outcomes += _correct_identity(deps.db, dict(current._mapping), identity)
    return answer(command, outcomes=outcomes)


def _correct_contact(db: Connection, code: str, values: Mapping[str, str],
                     now: datetime) -> None:
    """One UPDATE per corrected kind (every point of that kind); a missing kind is added."""
    t = contact_points
    for key, value in values.items():
        kind = CONTACT_KINDS[key]
        changed = db.execute(update(t).where(t.c.customer_code == code, t.c.kind == kind)
                             .values(value=value, recorded_at=now)).rowcount
        if not changed:
            db.execute(insert(t).values(customer_code=code, kind=kind, value=value,
                                        recorded_at=now))


def _correct_identity(db: Connection, current: Mapping[str, Any], values: Mapping[str, str]
                      ) -> list[StoreOutcome]:
    per_category: dict[Category, int] = {}
    for key in values:
        per_category[IDENTITY_FIELDS[key]] = per_category.get(IDENTITY_FIELDS[key], 0) + 1
    parsed: dict[str, Any] = dict(values)
    if "date_of_birth" in values:
        try:
            parsed["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
        except ValueError:
            return [outcome(Category.PERSONAL_CHARACTERISTICS, Action.REFUSE, 1, INVALID_DATE)]
    if "full_name" not in parsed and {"given_names", "surname"} & parsed.keys():
        given = parsed.get("given_names", current["given_names"]) or ""
        surname = parsed.get("surname", current["surname"]) or ""
        parsed["full_name"] = f"{given} {surname}".strip()
    db.execute(update(customers).where(customers.c.customer_code == current["customer_code"])
               .values(**parsed))
    return [outcome(c, Action.RECTIFY, n) for c, n in per_category.items()]
