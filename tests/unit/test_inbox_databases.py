"""The inbox keeps its promises on both databases: PostgreSQL claims the message before the
handler runs, SQLite reads first and writes at commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from contracts.envelope import EVENTS_EXCHANGE, CloudEvent
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import DeadLetter, Done, Retry
from services.runtime.deps import Outgoing
from services.runtime.outbox import Outbox
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from services.runtime.unit_of_work import InboxKey, UnitOfWork
from tests.support.ledger import (
    WORKER,
    Credit,
    count_credits,
    credit_rows,
    credits,
    delivery,
    metadata,
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def processor(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Processor]:
    if request.param == "sqlite":
        engine = create_service_engine("ledger", settings, metadata)
        yield Processor(WORKER, engine, settings, SystemClock())
        engine.dispose()
        return
    url: str = request.getfixturevalue("postgres_url")
    on_postgres = settings.model_copy(update={"database_url": url})
    schema = f"ledger_{uuid4().hex[:10]}"
    engine = create_service_engine(schema, on_postgres, metadata)
    yield Processor(WORKER, engine, on_postgres, SystemClock())
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def inbox_rows(processor: Processor) -> int:
    inbox = metadata.tables["inbox"]
    with processor.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(inbox)).scalar_one())


def test_a_redelivery_is_a_duplicate_and_changes_nothing(processor: Processor) -> None:
    message = delivery(Credit(account="A1", amount=5), event_id="evt-1")
    first, second = processor.process(message), processor.process(message)
    assert isinstance(first, Done) and not first.duplicate and len(first.to_publish) == 1
    assert isinstance(second, Done) and second.duplicate and not second.to_publish
    assert count_credits(processor) == 1 and inbox_rows(processor) == 1


def test_an_id_reused_for_other_content_is_refused_and_not_applied(processor: Processor) -> None:
    processor.process(delivery(Credit(account="A1", amount=5), event_id="evt-1"))
    reused = processor.process(delivery(Credit(account="A2", amount=9), event_id="evt-1"))
    assert isinstance(reused, DeadLetter) and "reuses event ids" in reused.reason
    assert count_credits(processor) == 1


def test_a_failed_handler_leaves_no_inbox_entry_so_the_retry_runs_it(
        processor: Processor) -> None:
    failed = processor.process(delivery(Credit(account="busy", amount=1), event_id="evt-2"))
    assert isinstance(failed, Retry) and inbox_rows(processor) == 0
    retried = processor.process(delivery(Credit(account="A3", amount=1), event_id="evt-3"))
    assert isinstance(retried, Done) and not retried.duplicate and inbox_rows(processor) == 1


def test_a_row_recorded_before_the_inbox_knew_sources_still_counts(processor: Processor) -> None:
    message = delivery(Credit(account="A1", amount=5), event_id="evt-old")
    with processor.engine.begin() as conn:
        conn.execute(insert(metadata.tables["inbox"]).values(
            consumer=WORKER.name, source="", message_id="evt-old", digest="",
            handled_at=datetime.now(UTC)))
    outcome = processor.process(message)
    assert isinstance(outcome, Done) and outcome.duplicate
    assert count_credits(processor) == 0


def test_a_commit_whose_outbox_insert_fails_keeps_nothing_of_the_message(
        processor: Processor) -> None:
    first = processor.process(delivery(Credit(account="A1", amount=5), event_id="evt-1"))
    assert isinstance(first, Done)
    published = Outbox(metadata).pending(processor.engine, datetime.max.replace(tzinfo=UTC))
    taken = CloudEvent.model_validate_json(published[0].body)  # an event id the outbox holds
    with pytest.raises(IntegrityError), \
            UnitOfWork(processor.engine, metadata, SystemClock()) as uow:
        uow.claim(WORKER.name, InboxKey("test", "evt-2", "digest"))
        uow.db.execute(insert(credits).values(account="A2", amount=1))
        uow.commit([Outgoing(EVENTS_EXCHANGE, taken.type, taken)])
    assert credit_rows(processor) == ["A1"] and inbox_rows(processor) == 1
