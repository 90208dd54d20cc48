"""Billing erasure: accounting records, debts and disputes are kept (restricted), the rest goes.

Set-based: one UPDATE or DELETE per table and purpose, never a loop over rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, Connection, Table, delete, update

from contracts.backoffice import StoreCommand, StoreOutcome, StoreResult
from contracts.vocabulary import Action
from services.rulebook.retention import Retention, kept_for_contract, outcome
from services.runtime.deps import Deps
from simulators.billing.sources import (
    BANK_DETAILS,
    BILLING_ADDRESS,
    CATEGORIES,
    CONTACT,
    ECONOMIC,
    SOURCES,
    BillingHolds,
    billing_holds,
    has_active_account,
    subject_scope,
)
from simulators.billing.tables import (
    ECONOMIC_TABLES,
    accounts,
    bank_details,
    consumption,
    debts,
    disputes,
    invoices,
    payments,
)
from simulators.stores.commands import answer, require_customer_code
from simulators.stores.sources import HELD, Scope, mark, span, spans, wanted


def erase(command: StoreCommand, deps: Deps) -> StoreResult:
    scope = subject_scope(require_customer_code(command))
    categories = wanted(command, CATEGORIES)
    retention = Retention.of(deps.settings)
    holds = billing_holds(deps.db, scope, retention)
    active = has_active_account(deps.db, scope)
    outcomes: list[StoreOutcome] = []
    if ECONOMIC in categories:
        outcomes += _erase_economic(deps.db, scope, holds, active, deps.now(), retention)
    if CONTACT in categories:
        outcomes += _erase_contact(deps.db, scope, holds, active, retention)
    return answer(command, outcomes=outcomes)


def _erase_economic(db: Connection, scope: Scope, holds: BillingHolds, active: bool,
                    now: datetime, retention: Retention) -> list[StoreOutcome]:
    if holds.debt:
        records = spans(db, SOURCES, scope, [ECONOMIC])[ECONOMIC].records
        for table in ECONOMIC_TABLES:
            _restrict(db, table, scope(table))
        return [retention.retained(ECONOMIC, records, "debt")] if records else []
    cutoff = retention.accounting_cutoff(now.date())
    results: list[StoreOutcome] = []
    erased = _delete(db, invoices, scope(invoices) & (invoices.c.issued_on < cutoff))
    erased += _delete(db, payments, scope(payments) & (payments.c.paid_at < _start(cutoff)))
    kept = _restrict(db, invoices, scope(invoices)) + _restrict(db, payments, scope(payments))
    if kept and holds.accounting_last:
        results.append(retention.retained(ECONOMIC, kept, "accounting",
                                          holds.accounting_until))
    if holds.litigation:
        named = _restrict(db, consumption, scope(consumption))
        named += _restrict(db, disputes, scope(disputes))
        results.append(retention.retained(ECONOMIC, named, "litigation"))
    else:
        erased += _delete(db, consumption, scope(consumption))
        erased += _delete(db, disputes, scope(disputes))
    erased += _delete(db, debts, scope(debts))
    if active:
        in_use = span(db, BANK_DETAILS, scope).records
        if in_use:
            results.append(kept_for_contract(ECONOMIC, in_use))
    else:
        erased += _delete(db, bank_details, scope(bank_details))
    return ([outcome(ECONOMIC, Action.ERASE, erased)] if erased else []) + results


def _erase_contact(db: Connection, scope: Scope, holds: BillingHolds, active: bool,
                   retention: Retention) -> list[StoreOutcome]:
    addressed = scope(accounts) & accounts.c.billing_address.is_not(None)
    if holds.debt:
        records = _restrict(db, accounts, addressed)
        return [retention.retained(CONTACT, records, "debt")] if records else []
    if active:
        records = span(db, BILLING_ADDRESS, scope).records
        return [kept_for_contract(CONTACT, records)] if records else []
    erased = db.execute(update(accounts).where(addressed).values(billing_address=None)).rowcount
    return [outcome(CONTACT, Action.ERASE, erased)] if erased else []


def _restrict(db: Connection, table: Table, where: ColumnElement[bool]) -> int:
    return mark(db, table, where, HELD)


def _delete(db: Connection, table: Table, where: ColumnElement[bool]) -> int:
    return int(db.execute(delete(table).where(where)).rowcount)


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)
