"""Writing the audit log and the register, inside the message's transaction.

Every write starts by locking the single ``chain_head`` row (an UPDATE of it: a row lock on
PostgreSQL, the database's write lock on SQLite), so two audit processes cannot both extend the
same entry. The head is then advanced with a compare-and-set, and ``sequence`` is the primary
key: a fork would fail the transaction and the message would be retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from contracts.envelope import CloudEvent
from contracts.vocabulary import RequestState
from services.audit.chain import GENESIS, entry_hash, plain_summary
from services.audit.tables import audit_entries, chain_head, register
from services.runtime.deps import Deps
from services.runtime.errors import Reject, RetryLater

S = RequestState
STATE_ORDER = [S.REGISTERED, S.DOCUMENT_REQUESTED, S.MANUAL_REVIEW, S.IDENTITY_VERIFIED,
               S.IDENTITY_REJECTED, S.DATA_DISCOVERED, S.FULFILLED, S.COMPLETED, S.CLOSED,
               S.WITHDRAWN]
STATE_RANK = {state.value: rank for rank, state in enumerate(STATE_ORDER)}
IDENTITY_RANK = {"document_requested": 0, "manual_review": 1, "verified": 2, "rejected": 2}
KEEP_FIRST = ("escalated_at", "breached_at", "answer_sent_at")
REOPENABLE = frozenset({S.IDENTITY_VERIFIED.value, S.DATA_DISCOVERED.value})


def incoming(deps: Deps) -> CloudEvent:
    if deps.incoming is None:
        raise Reject("the audit records events only")
    return deps.incoming


_T, _R = chain_head.c, register.c
# built once: SQLAlchemy then skips building each statement and its cache key per event
_LOCK_HEAD = (update(chain_head).where(_T.id == 1).values(updated_at=bindparam("now"))
              .returning(_T.last_sequence, _T.last_hash))
_ADVANCE_HEAD = (update(chain_head)
                 .where(_T.id == 1, _T.last_sequence == bindparam("previous_sequence"))
                 .values(last_sequence=bindparam("new_sequence"),
                         last_hash=bindparam("new_hash"), updated_at=bindparam("now")))
_ADD_ENTRY = insert(audit_entries)
_REGISTER_ROW = select(register).where(_R.reference == bindparam("reference"))
_ADD_REGISTER_ROW = insert(register)
_UPDATE_REGISTER_ROW = update(register).where(_R.reference == bindparam("row_reference"))


def _lock_head(db: Connection, now: datetime) -> Row[Any, Any]:
    """Take the chain's write lock and read the head, in one statement.

    Writing first matters on SQLite, where a read does not open the transaction: the UPDATE
    takes the database's write lock (waiting for any other writer), so the head it returns is
    the latest. On PostgreSQL the UPDATE locks the row, as ``FOR UPDATE`` does, and returns
    the row as the last committed writer left it.
    """
    head = db.execute(_LOCK_HEAD, {"now": now}).first()
    if head is not None:
        return head
    # tables created without the after_create hook: start the chain
    db.execute(insert(chain_head).values(id=1, last_sequence=0, last_hash=GENESIS,
                                         updated_at=now))
    return db.execute(select(_T.last_sequence, _T.last_hash).where(_T.id == 1)
                      .with_for_update()).one()


def append(deps: Deps, reference: str, summary: Mapping[str, Any]) -> int:
    """Append one entry for the event being handled; return its sequence number."""
    event = incoming(deps)
    now = deps.now()
    head = _lock_head(deps.db, now)
    sequence: int = int(head.last_sequence) + 1
    previous: str = head.last_hash
    stored = plain_summary(summary)
    digest = entry_hash(sequence, reference, event.type, event.id, event.source, event.time,
                        now, stored, previous)
    deps.db.execute(_ADD_ENTRY, {
        "sequence": sequence, "reference": reference, "event_type": event.type,
        "event_id": event.id, "source": event.source, "occurred_at": event.time,
        "recorded_at": now, "summary": stored, "previous_hash": previous,
        "entry_hash": digest})
    moved = deps.db.execute(_ADVANCE_HEAD, {
        "previous_sequence": head.last_sequence, "new_sequence": sequence,
        "new_hash": digest, "now": now}).rowcount
    if moved != 1:
        raise RetryLater("the audit chain head moved concurrently")
    return sequence


def touch_register(deps: Deps, reference: str, sequence: int, *, create: bool = True,
                   state: str | None = None, state_at: datetime | None = None,
                   identity: str | None = None, reopen: bool = False,
                   **values: Any) -> None:
    """Fold what an event says into the reference's register row.

    States and identity outcomes only move forward, so an event that arrives late never
    moves a row back; ``reopen``: a failed fulfilment sends a verified request (or a retried
    one) back to manual review. ``None`` values never erase what is known; the first
    escalation and breach are kept.
    """
    row = deps.db.execute(_REGISTER_ROW, {"reference": reference}).first()
    if row is None and not create:
        return
    known = dict(row._mapping) if row is not None else {}
    changes = {k: v for k, v in values.items()
               if v is not None and not (k in KEEP_FIRST and known.get(k) is not None)}
    reopened = reopen and known.get("state") in REOPENABLE
    if state is not None and (reopened or _moves_forward(known.get("state"), state)):
        changes.update(state=state, state_at=state_at)
        if S(state).is_final:
            changes["completed_at"] = state_at
    current_identity = known.get("identity")
    if identity is not None and (current_identity is None
                                 or IDENTITY_RANK[identity] > IDENTITY_RANK[current_identity]):
        changes["identity"] = identity
    changes.update(last_sequence=sequence, updated_at=deps.now())
    if row is None:
        deps.db.execute(_ADD_REGISTER_ROW, {"reference": reference, **changes})
    else:
        deps.db.execute(_UPDATE_REGISTER_ROW, {"row_reference": reference, **changes})


def _moves_forward(current: str | None, state: str) -> bool:
    if current is None:
        return True
    return not S(current).is_final and STATE_RANK[state] > STATE_RANK[current]


def record(deps: Deps, reference: str, summary: Mapping[str, Any], *,
           create: bool = True, **register_values: Any) -> None:
    """Append the entry, then update the register with what the event establishes."""
    sequence = append(deps, reference, summary)
    touch_register(deps, reference, sequence, create=create, **register_values)
