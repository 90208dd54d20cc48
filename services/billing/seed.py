"""Load billing's part of a population, in executemany batches inside one transaction."""

from __future__ import annotations

from sqlalchemy import Engine

from services.billing.tables import (
    SUBJECT_TABLES,
    accounts,
    bank_details,
    commands,
    consumption,
    debts,
    disputes,
    invoices,
    payments,
)
from services.population.generator import Population
from services.stores.bulk import BulkWriter, clear


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write every subject's billing records; ``replace`` first empties billing's data tables
    and its record of handled commands. Returns rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, (*SUBJECT_TABLES, commands))
        writer = BulkWriter(db)
        for subject in population.subjects():
            records = subject.billing
            writer.add(accounts, records.account)
            writer.add_all(invoices, records.invoices)
            writer.add_all(consumption, records.consumption)
            writer.add_all(payments, records.payments)
            writer.add_all(bank_details, records.bank_details)
            writer.add_all(debts, records.debts)
            writer.add_all(disputes, records.disputes)
        return writer.flush()
