"""Which billing table holds which category, and the holds billing knows of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, Table, func, select

from contracts.backoffice import Hold
from contracts.vocabulary import Category
from services.rulebook.retention import Retention
from simulators.billing.tables import (
    accounts,
    bank_details,
    consumption,
    debts,
    disputes,
    invoices,
    payments,
)
from simulators.stores.exports import mask_rib
from simulators.stores.sources import Scope, Source

ECONOMIC, CONTACT = Category.ECONOMIC_FINANCIAL, Category.CONTACT
BANK_DETAILS = Source(ECONOMIC, bank_details, "recorded_at", masks={"rib": mask_rib})
BILLING_ADDRESS = Source(CONTACT, accounts, "opened_at",
                         ("account_no", "billing_address", "status", "restricted"),
                         ("billing_address",))
SOURCES = (
    Source(ECONOMIC, invoices, "issued_on"),
    Source(ECONOMIC, consumption, "month"),
    Source(ECONOMIC, payments, "paid_at"),
    BANK_DETAILS,
    Source(ECONOMIC, debts, "since"),
    Source(ECONOMIC, disputes, "opened_at"),
    BILLING_ADDRESS,
)
CATEGORIES = (ECONOMIC, CONTACT)
UNDER_RECOVERY, OPEN = "under_recovery", "open"


def subject_scope(customer_code: str) -> Scope:
    """The customer's accounts, and every row of those accounts."""
    def scope(table: Table) -> ColumnElement[bool]:
        if table is accounts:
            return accounts.c.customer_code == customer_code
        owned = select(accounts.c.account_no).where(accounts.c.customer_code == customer_code)
        return table.c.account_no.in_(owned)
    return scope


@dataclass(frozen=True)
class BillingHolds:
    debt: bool
    litigation: bool
    accounting_last: date | None
    accounting_until: date | None = None

    def on(self, category: Category) -> list[Hold]:
        found = [Hold(kind="debt")] if self.debt else []
        if category is ECONOMIC and self.accounting_last:
            found.append(Hold(kind="accounting", until=self.accounting_until))
        if category is ECONOMIC and self.litigation:
            found.append(Hold(kind="litigation"))
        return found


def billing_holds(db: Connection, scope: Scope, retention: Retention) -> BillingHolds:
    debt = db.execute(select(func.count()).select_from(debts).where(
        scope(debts), debts.c.status == UNDER_RECOVERY)).scalar_one()
    litigation = db.execute(select(func.count()).select_from(disputes).where(
        scope(disputes), disputes.c.status == OPEN)).scalar_one()
    last_invoice = db.execute(select(func.max(invoices.c.issued_on))
                              .where(scope(invoices))).scalar_one()
    last_payment = db.execute(select(func.max(payments.c.paid_at))
                              .where(scope(payments))).scalar_one()
    dates = [d for d in (last_invoice, _day(last_payment)) if d is not None]
    last = max(dates, default=None)
    until = retention.accounting_kept_until(last) if last else None
    return BillingHolds(bool(debt), bool(litigation), last, until)


def has_active_account(db: Connection, scope: Scope) -> bool:
    query = select(accounts.c.account_no).where(scope(accounts), accounts.c.status == "active")
    return db.execute(query.limit(1)).first() is not None


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None
