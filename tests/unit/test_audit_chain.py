"""The audit chain, without a broker: links, tampering, and what the worker writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import delete, select, update

from contracts.envelope import CloudEvent
from contracts.identity import CheckResult, IdentityFailure, IdentityRejected
from contracts.intake import RequestDetails, RequestRegistered, SubjectClaim
from contracts.status import StatusChanged
from contracts.vocabulary import Channel, RequestState, Right
from services.audit.chain import GENESIS, Break, Entry, entry_hash, first_break, rehash, verify
from services.audit.queries import check_chain
from services.audit.routes import WORKER
from services.audit.tables import audit_entries, chain_head, metadata, register
from services.runtime.clock import SystemClock
from services.runtime.database import create_service_engine
from services.runtime.delivery import Delivery, Done
from services.runtime.processor import Processor
from services.runtime.settings import Settings

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
REFERENCE = "DSR-2026-000001"


def chain(length: int) -> list[Entry]:
    entries: list[Entry] = []
    previous = GENESIS
    for sequence in range(1, length + 1):
        unsealed = Entry(sequence=sequence, reference=REFERENCE, event_type="request.x.v1",
                         event_id=f"e-{sequence}", source="urn:test",
                         occurred_at=T0 + timedelta(minutes=sequence), recorded_at=T0,
                         summary={"state": "registered", "due_on": "2026-12-02", "n": sequence},
                         previous_hash=previous, entry_hash="")
        entries.append(replace(unsealed, entry_hash=rehash(unsealed)))
        previous = entries[-1].entry_hash
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = chain(5)
    assert verify(entries) is None
    assert verify(entries, head=(5, entries[-1].entry_hash)) is None
    assert verify([], head=(0, GENESIS)) is None


def test_the_hash_is_independent_of_key_order_and_time_zone() -> None:
    entry = chain(1)[0]
    shifted = entry.occurred_at.astimezone(timezone(timedelta(hours=-5)))
    backwards = dict(sorted(entry.summary.items(), reverse=True))
    same = replace(entry, occurred_at=shifted, summary=backwards)
    assert verify([same]) is None


def test_an_altered_entry_is_found_at_its_sequence() -> None:
    entries = chain(6)
    entries[3] = replace(entries[3], summary={**entries[3].summary, "state": "completed"})
    broken = first_break(entries)
    assert broken is not None and broken.sequence == 4 and "altered" in broken.problem


def test_a_rehashed_forgery_breaks_the_next_link() -> None:
    entries = chain(6)
    forged = replace(entries[2], summary={"state": "completed"})
    entries[2] = replace(forged, entry_hash=entry_hash(
        forged.sequence, forged.reference, forged.event_type, forged.event_id, forged.source,
        forged.occurred_at, forged.recorded_at, forged.summary, forged.previous_hash))
    assert verify(entries) == 4


def test_a_deleted_entry_is_found() -> None:
    entries = chain(6)
    del entries[2]
    broken = first_break(entries)
    assert broken is not None and broken.sequence == 3 and "missing" in broken.problem


def test_a_truncated_tail_is_found_through_the_head() -> None:
    entries = chain(6)
    head = (6, entries[-1].entry_hash)
    assert verify(entries[:4]) is None
    assert verify(entries[:4], head=head) == 5
    assert verify(entries, head=(5, entries[4].entry_hash)) == 6


def registered(event_id: str = "evt-1") -> CloudEvent:
    message = RequestRegistered(
        reference=REFERENCE, right=Right.ERASURE, channel=Channel.POSTAL,
        channel_reference="LETTRE-2026-77", received_at=T0, due_on=date(2026, 12, 2),
        target_on=date(2026, 11, 27),
        subject=SubjectClaim(msisdn="+22370001003", full_name="Fatoumata Coulibaly",
                             customer_code="CM-100003", nina="F9506210300003X"),
        identity_document=None, details=RequestDetails(statement="Supprimez tout, merci"))
    return CloudEvent.wrap(message, source="urn:dsr/intake", event_id=event_id)


def deliver(processor: Processor, event: CloudEvent) -> None:
    outcome = processor.process(Delivery(body=event.to_json(), routing_key=event.type,
                                         exchange="dsr.events"))
    assert isinstance(outcome, Done), outcome


def make(settings: Settings) -> Processor:
    engine = create_service_engine("audit", settings, metadata)
    return Processor(WORKER, engine, settings, SystemClock())


def test_the_worker_chains_entries_once_each_without_personal_data(settings: Settings) -> None:
    processor = make(settings)
    deliver(processor, registered())
    deliver(processor, registered())  # redelivered: the inbox drops it
    deliver(processor, CloudEvent.wrap(StatusChanged(
        reference=REFERENCE, channel_reference="LETTRE-2026-77", right=Right.ERASURE,
        state=RequestState.IDENTITY_REJECTED, due_on=date(2026, 12, 2),
        reason="identity checks failed: holder_name", changed_at=T0), source="urn:dsr/intake"))
    deliver(processor, CloudEvent.wrap(IdentityRejected(
        reference=REFERENCE, right=Right.ERASURE,
        checks=[CheckResult(check="holder_name", passed=False, note="Coulibaly ≠ Traoré",
                                failure=IdentityFailure.NAME_MISMATCH),
                CheckResult(check="document_type", passed=True)]),
        source="urn:dsr/identity"))
    count, broken = check_chain(processor.engine)
    with processor.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(audit_entries))]
        row = conn.execute(select(register)).one()
    assert (count, broken) == (3, None)
    text = repr(rows) + repr(dict(row._mapping))
    for secret in ("Fatoumata", "Coulibaly", "Traoré", "+22370001003", "CM-100003",
                   "F9506210300003X", "LETTRE-2026-77", "Supprimez"):
        assert secret not in text
    assert rows[2]["summary"] == {"right": "erasure", "failed_checks": ["holder_name"]}
    assert (row.right, row.channel, row.state, row.identity) == (
        "erasure", "postal", "identity_rejected", "rejected")


def test_tampering_in_the_database_is_detected(settings: Settings) -> None:
    processor = make(settings)
    for n in range(4):
        deliver(processor, registered(f"evt-{n}"))
    with processor.engine.begin() as conn:
        conn.execute(update(audit_entries).where(audit_entries.c.sequence == 2)
                     .values(summary={"right": "access"}))
    assert check_chain(processor.engine)[1] == Break(2, "its content does not match its hash "
                                                       "(altered)")
    with processor.engine.begin() as conn:
        conn.execute(delete(audit_entries).where(audit_entries.c.sequence >= 2))
    broken = check_chain(processor.engine)[1]
    assert broken is not None and broken.sequence == 2 and "end of the log" in broken.problem
    with processor.engine.connect() as conn:
        assert conn.execute(select(chain_head.c.last_sequence)).scalar_one() == 4



def test_every_event_a_worker_or_client_publishes_is_audited_or_excluded_with_a_reason() -> None:
    from contracts.catalog import MESSAGES
    from contracts.envelope import EVENTS_EXCHANGE
    from services.audit.routes import NOT_AUDITED
    from services.clients import CLIENTS
    from services.workers import workers

    publications = [p for w in workers() for p in w.publishes or ()]
    # a client that redrives dead letters may republish anything ("#"): its own types count
    publications += [p for c in CLIENTS for p in c.publishes if p.pattern != "#"]
    published = {m for m in MESSAGES for p in publications
                 if p.allows(EVENTS_EXCHANGE, m.message_type.format(store="crm",
                                                                     action="export"))}
    unaccounted = {m.message_type for m in published
                   if WORKER.route_for(m.message_type.format(store="crm", action="export"))
                   is None and m not in NOT_AUDITED}
    assert unaccounted == set()
    assert set(NOT_AUDITED) <= published, "an exclusion names a type nobody publishes"
