"""Load the CDR store's part of a population: cells, holds, then events streamed in batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Engine, Table

from simulators.cdr.tables import SUBJECT_TABLES, cdr_events, cells, commands, holds
from simulators.population.generator import Population
from simulators.population.records import Subject
from simulators.stores.bulk import BulkWriter, clear

#: The tables a seed fills (the scale seed copies into them), and those it empties first: the
#: same and the record of handled commands, whose results describe the old data.
FILLED = SUBJECT_TABLES
CLEARED = (*SUBJECT_TABLES, commands)
#: The events, streamed apart: they are many.
EVENTS = cdr_events


def subject_rows(subject: Subject) -> Iterator[tuple[Table, Iterable[Any]]]:
    """The CDR store's records of one subject but its events (streamed apart, they are many)."""
    yield holds, subject.cdr_holds


def network_rows(population: Population) -> Iterator[tuple[Table, Iterable[Any]]]:
    """The records of no subject: the network's cells."""
    yield cells, population.cells()


def load(engine: Engine, population: Population, *, replace: bool = True) -> dict[str, int]:
    """Write the network's cells, the holds and every event (streamed, ``BATCH_SIZE`` rows per
    executemany); ``replace`` first empties the CDR tables and its record of handled commands.
    Returns rows written per table name.
    """
    with engine.begin() as db:
        if replace:
            clear(db, CLEARED)
        writer = BulkWriter(db)
        for table, records in network_rows(population):
            writer.add_all(table, records)
        writer.add_all(holds, population.cdr_holds())
        writer.add_all(cdr_events, population.cdr_events())
        return writer.flush()
