"""Load the CRM's part of a population, in executemany batches inside one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine, Table

from simulators.crm.tables import (
    SUBJECT_TABLES,
    agent_interactions,
    commands,
    contact_points,
    customers,
    devices,
    holds,
    marketing_preferences,
    profiles,
    subscriptions,
)
from simulators.population.generator import Population
from simulators.population.records import Subject
from simulators.stores.bulk import BulkWriter, clear

#: The tables a seed fills (the scale seed copies into them), and those it empties first: the
#: same and the record of handled commands, whose results describe the old data.
FILLED = SUBJECT_TABLES
CLEARED = (*SUBJECT_TABLES, commands)


def subject_rows(subject: Subject) -> Iterator[tuple[Table, Iterable[Any]]]:
    """The CRM's records of one subject, table by table (the scale seed copies the same)."""
    yield customers, (subject.customer,)
    yield contact_points, subject.contacts
    yield subscriptions, subject.subscriptions
    yield devices, subject.devices
    yield agent_interactions, subject.interactions
    yield profiles, subject.profiles
    yield marketing_preferences, subject.preferences
    yield holds, subject.crm_holds


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write every subject's CRM records; ``replace`` first empties the CRM's data
    tables and its record of handled commands (their results describe the old data).

    Returns the number of rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, CLEARED)
        writer = BulkWriter(db)
        for subject in population.subjects():
            for table, records in subject_rows(subject):
                writer.add_all(table, records)
        return writer.flush()
