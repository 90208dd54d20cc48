"""Who the subject is, as the CRM knew them on the receipt date (rulebook §3.2, §4).

A customer is looked up by their code, or by the number given: its holder on the receipt
date, and the former customers (no number of theirs in service any more) who held it before,
so that a former customer is checked against their own record, never against the number's
new holder's. Each record says whether the number was theirs on the receipt date, or until
when it was; the identity worker's checks decide who, if anyone, the requester is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, or_, select

from contracts.backoffice import IdentityRecord, RepresentativeRecord, StoreCommand, StoreResult
from services.rulebook.retention import aware
from services.runtime.deps import Deps
from simulators.crm.tables import customers, subscriptions
from simulators.stores.commands import CommandRefused, answer

FORMER_HOLDERS = 5  # the most recent former holders of a number considered


def identify(command: StoreCommand, deps: Deps) -> StoreResult:
    if not command.customer_code and not command.msisdn:
        raise CommandRefused("'identify' needs a customer_code or an msisdn")
    as_of = aware(command.as_of) if command.as_of else deps.now()
    if command.customer_code:
        return answer(command, identity=_record(deps.db, command.customer_code,
                                                command.msisdn, as_of))
    assert command.msisdn is not None
    holder = _holder_at(deps.db, command.msisdn, as_of)
    current = _record(deps.db, holder, command.msisdn, as_of) if holder else None
    former = [record for code in _earlier_holders(deps.db, command.msisdn, as_of, holder)
              if (record := _record(deps.db, code, command.msisdn, as_of)) is not None
              and record.former_customer]
    return answer(command, identity=current, former_holders=former)


def _record(db: Connection, code: str, msisdn: str | None,
            as_of: datetime) -> IdentityRecord | None:
    row = _customer(db, code)
    if row is None or row.anonymised:
        return None
    held = msisdn is not None and _held_at(db, code, msisdn, as_of)
    return IdentityRecord(
        customer_code=row.customer_code, full_name=row.full_name,
        date_of_birth=row.date_of_birth, nina=row.nina, msisdn_held_on_receipt=held,
        former_customer=not _in_service(db, code, as_of),
        msisdn_held_until=None if held or msisdn is None else _held_until(db, code, msisdn,
                                                                          as_of),
        legal_entity=row.kind == "legal_entity", rccm=row.rccm, nif=row.nif,
        representative=_representative(db, row.representative_code),
    )


def _representative(db: Connection, code: str | None) -> RepresentativeRecord | None:
    row = _customer(db, code) if code else None
    if row is None or row.anonymised:
        return None
    return RepresentativeRecord(customer_code=row.customer_code, full_name=row.full_name)


def _customer(db: Connection, code: str) -> Row[Any] | None:
    return db.execute(select(customers).where(customers.c.customer_code == code)).first()


def _running(as_of: datetime) -> list[Any]:
    t = subscriptions
    return [t.c.held_from <= as_of, or_(t.c.held_until.is_(None), t.c.held_until > as_of)]


def _holder_at(db: Connection, msisdn: str, as_of: datetime) -> str | None:
    query = select(subscriptions.c.customer_code).where(subscriptions.c.msisdn == msisdn,
                                                        *_running(as_of))
    found: str | None = db.execute(query.limit(1)).scalar_one_or_none()
    return found


def _held_at(db: Connection, code: str, msisdn: str, as_of: datetime) -> bool:
    t = subscriptions
    query = select(t.c.id).where(t.c.customer_code == code, t.c.msisdn == msisdn,
                                 *_running(as_of))
    return db.execute(query.limit(1)).first() is not None


def _in_service(db: Connection, code: str, as_of: datetime) -> bool:
    """Any number of the customer's in service on ``as_of``: their contract runs."""
    query = select(subscriptions.c.id).where(subscriptions.c.customer_code == code,
                                             *_running(as_of))
    return db.execute(query.limit(1)).first() is not None


def _held_until(db: Connection, code: str, msisdn: str, as_of: datetime) -> datetime | None:
    """The end of the customer's last period with the number, if it ended by ``as_of``."""
    t = subscriptions
    ended: datetime | None = db.execute(select(func.max(t.c.held_until)).where(
        t.c.customer_code == code, t.c.msisdn == msisdn, t.c.held_until <= as_of)).scalar_one()
    return aware(ended) if ended is not None else None


def _earlier_holders(db: Connection, msisdn: str, as_of: datetime,
                     holder: str | None) -> list[str]:
    """Who held the number in a period ended by ``as_of``, the most recent first."""
    t = subscriptions
    last = func.max(t.c.held_until)
    query = (select(t.c.customer_code).where(t.c.msisdn == msisdn, t.c.held_until <= as_of)
             .group_by(t.c.customer_code).order_by(last.desc()).limit(FORMER_HOLDERS))
    if holder is not None:
        query = query.where(t.c.customer_code != holder)
    return list(db.execute(query).scalars())
