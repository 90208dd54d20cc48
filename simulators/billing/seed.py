"""Load billing's part of a population, in executemany batches inside one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine, Table

from simulators.billing.tables import (
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
from simulators.population.generator import Population
from simulators.population.records import Subject
from simulators.stores.bulk import BulkWriter, clear

#: The tables a seed fills (the scale seed copies into them), and those it empties first: the
#: same and the record of handled commands, whose results describe the old data.
FILLED = SUBJECT_TABLES
CLEARED = (*SUBJECT_TABLES, commands)


def subject_rows(subject: Subject) -> Iterator[tuple[Table, Iterable[Any]]]:
    """Billing's records of one subject, table by table (the scale seed copies the same)."""
    records = subject.billing
    yield accounts, (records.account,)
    yield invoices, records.invoices
    yield consumption, records.consumption
    yield payments, records.payments
    yield bank_details, records.bank_details
    yield debts, records.debts
    yield disputes, records.disputes


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write every subject's billing records; ``replace`` first empties billing's data tables
    and its record of handled commands. Returns rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, CLEARED)
        writer = BulkWriter(db)
        for subject in population.subjects():
            for table, records in subject_rows(subject):
                writer.add_all(table, records)
        return writer.flush()
