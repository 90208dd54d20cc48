"""Several messages in one transaction (``Worker.batch``) keep the promises of one each: every
message's inbox row commits with its own changes, a failed one is retried or dead-lettered
alone, and a redelivery does nothing twice. On SQLite each still has a transaction of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from uuid import uuid4

import pytest
from sqlalchemy import func, select, text

from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import DeadLetter, Done, Outcome, Retry
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from tests.support.ledger import WORKER, Credit, credit_rows, delivery, metadata

BATCHING = replace(WORKER, batch=8)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def processor(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Processor]:
    if request.param == "sqlite":
        engine = create_service_engine("ledger", settings, metadata)
        yield Processor(BATCHING, engine, settings, SystemClock())
        engine.dispose()
        return
    url: str = request.getfixturevalue("postgres_url")
    on_postgres = settings.model_copy(update={"database_url": url})
    schema = f"ledger_{uuid4().hex[:10]}"
    engine = create_service_engine(schema, on_postgres, metadata)
    yield Processor(BATCHING, engine, on_postgres, SystemClock())
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def inbox_rows(processor: Processor) -> int:
    with processor.engine.connect() as conn:
        inbox = metadata.tables["inbox"]
        return int(conn.execute(select(func.count()).select_from(inbox)).scalar_one())


def credited(outcome: Outcome) -> list[str]:
    assert isinstance(outcome, Done)
    return [json.loads(record.body)["data"]["account"] for record in outcome.to_publish]


def test_postgres_batches_and_sqlite_does_not(processor: Processor) -> None:
    postgres = processor.engine.dialect.name == "postgresql"
    assert processor.batch_size == (8 if postgres else 1)


def test_each_message_of_a_batch_is_applied_once_with_what_it_published(
        processor: Processor) -> None:
    batch = [delivery(Credit(account=f"A{n}", amount=n), event_id=f"evt-{n}") for n in range(4)]
    outcomes = processor.process_batch(batch)
    assert [credited(o) for o in outcomes] == [["A0"], ["A1"], ["A2"], ["A3"]]
    again = processor.process_batch(batch)
    assert all(isinstance(o, Done) and o.duplicate and not o.to_publish for o in again)
    assert sorted(credit_rows(processor)) == ["A0", "A1", "A2", "A3"]
    assert inbox_rows(processor) == 4


def test_the_same_message_twice_in_one_batch_is_applied_once(processor: Processor) -> None:
    message = delivery(Credit(account="A1", amount=5), event_id="evt-1")
    first, second = processor.process_batch([message, message])
    assert credited(first) == ["A1"]
    assert isinstance(second, Done) and second.duplicate
    assert credit_rows(processor) == ["A1"]


def test_a_failed_message_is_retried_or_dead_lettered_alone_and_the_others_commit(
        processor: Processor) -> None:
    outcomes = processor.process_batch([
        delivery(Credit(account="A1", amount=1), event_id="evt-1"),
        delivery(Credit(account="busy", amount=1), event_id="evt-2"),
        delivery(Credit(account="closed", amount=1), event_id="evt-3"),
        delivery(Credit(account="A4", amount=1), event_id="evt-4"),
    ])
    assert credited(outcomes[0]) == ["A1"] and credited(outcomes[3]) == ["A4"]
    assert isinstance(outcomes[1], Retry) and isinstance(outcomes[2], DeadLetter)
    assert sorted(credit_rows(processor)) == ["A1", "A4"]
    assert inbox_rows(processor) == 2  # the failed ones run again when they come back
    retried = processor.process_batch([delivery(Credit(account="A2", amount=1),
                                                event_id="evt-2")])
    assert credited(retried[0]) == ["A2"]
