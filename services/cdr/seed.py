"""Load the CDR store's part of a population: cells, holds, then events streamed in batches."""

from __future__ import annotations

from sqlalchemy import Engine

from services.cdr.tables import SUBJECT_TABLES, cdr_events, cells, commands, holds
from services.population.generator import Population
from services.stores.bulk import BulkWriter, clear


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write the network's cells, the holds and every event (streamed, ``BATCH_SIZE`` rows per
    executemany); ``replace`` first empties the CDR tables and its record of handled commands.
    Returns rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, (*SUBJECT_TABLES, commands))
        writer = BulkWriter(db)
        writer.add_all(cells, population.cells())
        for subject in population.subjects():
            writer.add_all(holds, subject.cdr_holds)
        writer.add_all(cdr_events, population.cdr_events())
        return writer.flush()
