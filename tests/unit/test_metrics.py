"""What an SRE scrapes: counts by outcome, latency, requests by state and deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from prometheus_client import generate_latest
from sqlalchemy import insert

from services.intake.figures import registry_figures
from services.intake.tables import metadata, requests
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.metrics import REGISTRY, CountOutcome
from services.runtime.middleware import policy
from services.runtime.processor import Processor
from services.runtime.settings import Settings
from tests.support.ledger import WORKER, Credit, delivery
from tests.support.ledger import metadata as ledger_metadata


def test_each_message_is_counted_by_outcome_and_timed(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    processor = Processor(WORKER, create_service_engine("ledger", settings, ledger_metadata),
                          settings, SystemClock(),
                          middleware=[CountOutcome("ledger"), *policy(settings)])
    processor.process(delivery(Credit(account="A", amount=1)))
    processor.process(delivery(Credit(account="closed", amount=1)))
    text = generate_latest(REGISTRY).decode()
    assert 'dsr_messages_handled_total{message_type="test.credit.v1",outcome="ok",' \
           'worker="ledger"} 1.0' in text
    assert 'outcome="dead_lettered",worker="ledger"} 1.0' in text
    assert 'dsr_handler_seconds_count{message_type="test.credit.v1",worker="ledger"} 2.0' in text


def test_open_requests_past_their_dates_are_counted(tmp_path: Path) -> None:
    engine = create_service_engine("intake", Settings(data_dir=tmp_path), metadata)
    now = datetime(2026, 12, 10, tzinfo=UTC)
    rows = [("DSR-2026-000001", "registered", date(2026, 12, 20), date(2026, 12, 15)),
            ("DSR-2026-000002", "identity_verified", date(2026, 12, 8), date(2026, 12, 3)),
            ("DSR-2026-000003", "completed", date(2026, 12, 1), date(2026, 11, 26))]
    with engine.begin() as conn:
        for n, (reference, state, due, target) in enumerate(rows):
            conn.execute(insert(requests).values(
                reference=reference, channel="callcentre", channel_reference=f"c{n}",
                right="access", received_at=now, due_on=due, target_on=target, state=state,
                registered_at=now, updated_at=now))
    figures = registry_figures(engine)(now)
    assert figures["by_state"] == {"registered": 1, "identity_verified": 1, "completed": 1}
    assert figures["deadlines"] == {"past_target": 1, "past_due": 1}
