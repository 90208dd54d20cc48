"""The back office's decision on a request whose fulfilment failed for good (rulebook §7).

The saga compensated every store and the request went to manual review. A person decides:
``retry`` runs the saga again from prepare, as a new run with new command ids (the stores
were restored, so a fresh prepare and commit are correct); ``close`` ends the request, and
notification tells the customer why. Only a failed fulfilment can be decided, once.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import Row

from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentRetried,
    FulfilmentReviewDecided,
    ReviewDecision,
)
from contracts.vocabulary import Right
from services.fulfilment import saga, steps
from services.fulfilment.repository import FULFILMENTS
from services.fulfilment.tables import withdrawals
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.withdrawals import is_withdrawn

log = structlog.get_logger()
FAILED = saga.Phase.FAILED.value
CLOSED = "closed"


def decide(decided: FulfilmentReviewDecided, deps: Deps) -> None:
    row = FULFILMENTS.get(deps.db, decided.reference)
    if row.state != FAILED:
        log.info("fulfilment.review_ignored", request_reference=decided.reference,
                 state=row.state)
        return
    if decided.decision is ReviewDecision.RETRY:
        retry(row, deps)
    else:
        close(row, decided.reason, deps)


def retry(row: Row[Any], deps: Deps) -> None:
    if is_withdrawn(deps.db, withdrawals, row.reference):
        raise Reject(f"{row.reference} was withdrawn: it can only be closed")
    run = steps.retry(row, deps)
    if run is None:
        raise Reject(f"the fulfilment of {row.reference} cannot be run again (an access "
                     "export, or no change kept to retry): close it")
    deps.publish(FulfilmentRetried(reference=row.reference, right=Right(row.right), run=run),
                 subject=row.reference)


def forget(reference: str, deps: Deps) -> None:
    """A failed request was withdrawn before any decision: nothing is kept to retry it."""
    row = FULFILMENTS.find(deps.db, reference)
    if row is not None and row.state == FAILED and row.command is not None:
        FULFILMENTS.save(deps.db, row, deps.now(), command=None)


def close(row: Row[Any], reason: str, deps: Deps) -> None:
    """The request ends here; what the saga kept to retry it goes."""
    FULFILMENTS.save(deps.db, row, deps.now(), state=CLOSED, command=None, due_at=None)
    restored = row.saga is not None and not saga.from_json(row.saga).not_restored
    deps.publish(FulfilmentClosed(reference=row.reference, right=Right(row.right),
                                  reason=reason, restored=restored), subject=row.reference)


