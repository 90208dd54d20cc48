"""Load the CRM's part of a population, in executemany batches inside one transaction."""

from __future__ import annotations

from sqlalchemy import Engine

from services.crm.tables import (
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
from services.population.generator import Population
from services.stores.bulk import BulkWriter, clear


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write every subject's CRM records; ``replace`` first empties the CRM's data
    tables and its record of handled commands (their results describe the old data).

    Returns the number of rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, (*SUBJECT_TABLES, commands))
        writer = BulkWriter(db)
        for subject in population.subjects():
            writer.add(customers, subject.customer)
            writer.add_all(contact_points, subject.contacts)
            writer.add_all(subscriptions, subject.subscriptions)
            writer.add_all(devices, subject.devices)
            writer.add_all(agent_interactions, subject.interactions)
            writer.add_all(profiles, subject.profiles)
            writer.add_all(marketing_preferences, subject.preferences)
            writer.add_all(holds, subject.crm_holds)
        return writer.flush()
