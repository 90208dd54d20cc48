"""The registry follows the saga: each worker's event moves the request forward.

States only move forward (a late or redelivered event never moves a request back), and
every move is published as ``request.status-changed.v1``. Exceptions: a discovery that a
store never answered, or a fulfilment that failed for good (its stores compensated), sends a
verified request back to manual review.
There the back office decides: a retry moves it back into fulfilment (``data_discovered``,
then fulfilled and completed), a close ends it (``closed``, with the reason).
"""

from __future__ import annotations

from typing import Any

from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentRetried,
)
from contracts.identity import (
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
    ReviewRequested,
)
from contracts.notification import (
    CallMade,
    DeliveryUpdated,
    NotificationKind,
    NotificationSent,
)
from contracts.status import StatusChanged
from contracts.vocabulary import RequestState
from services.intake import registry
from services.rulebook import answers
from services.runtime.deps import Deps
from services.runtime.errors import Reject

S = RequestState
ORDER = [S.REGISTERED, S.DOCUMENT_REQUESTED, S.MANUAL_REVIEW, S.IDENTITY_VERIFIED,
         S.IDENTITY_REJECTED, S.DATA_DISCOVERED, S.FULFILLED, S.COMPLETED, S.CLOSED,
         S.WITHDRAWN]
RANK = {state: rank for rank, state in enumerate(ORDER)}
REVIEWABLE_AFTER_FULFILMENT = frozenset({S.IDENTITY_VERIFIED, S.DATA_DISCOVERED})
REVIEWABLE_AFTER_DISCOVERY = frozenset({S.IDENTITY_VERIFIED})


def advance(
    deps: Deps,
    reference: str,
    state: RequestState,
    reason: str | None = None,
    outcomes: list[dict[str, Any]] | None = None,
    back_from: frozenset[RequestState] = frozenset(),
) -> None:
    row = registry.get(deps.db, reference, lock=True)
    if row is None:
        raise Reject(f"unknown request reference {reference}")
    current = RequestState(row["state"])
    if current.is_final or (RANK[state] <= RANK[current] and current not in back_from):
        return
    now = deps.now()
    registry.set_state(deps.db, reference, state, now, reason, outcomes)
    deps.publish(StatusChanged(reference=reference, channel_reference=row["channel_reference"],
                               right=row["right"], state=state,
                               due_on=row["due_on"], reason=reason, changed_at=now),
                 subject=reference)


def on_identity_verified(event: IdentityVerified, deps: Deps) -> None:
    advance(deps, event.reference, S.IDENTITY_VERIFIED)


def on_identity_rejected(event: IdentityRejected, deps: Deps) -> None:
    failed = ", ".join(c.check for c in event.checks if not c.passed)
    advance(deps, event.reference, S.IDENTITY_REJECTED, f"identity checks failed: {failed}")


def on_document_requested(event: DocumentRequested, deps: Deps) -> None:
    advance(deps, event.reference, S.DOCUMENT_REQUESTED, event.reason)


def on_review_requested(event: ReviewRequested, deps: Deps) -> None:
    advance(deps, event.reference, S.MANUAL_REVIEW, event.reason)


def on_discovered(event: DiscoveryCompleted, deps: Deps) -> None:
    advance(deps, event.reference, S.DATA_DISCOVERED)


def on_discovery_failed(event: DiscoveryFailed, deps: Deps) -> None:
    advance(deps, event.reference, S.MANUAL_REVIEW, event.reason,
            back_from=REVIEWABLE_AFTER_DISCOVERY)


def on_fulfilled(event: FulfilmentCompleted, deps: Deps) -> None:
    outcomes = [o.model_dump(mode="json") for o in event.outcomes]
    advance(deps, event.reference, S.FULFILLED, outcomes=outcomes)


def on_fulfilment_failed(event: FulfilmentFailed, deps: Deps) -> None:
    advance(deps, event.reference, S.MANUAL_REVIEW, event.reason,
            back_from=REVIEWABLE_AFTER_FULFILMENT)


def on_fulfilment_retried(event: FulfilmentRetried, deps: Deps) -> None:
    advance(deps, event.reference, S.DATA_DISCOVERED,
            f"fulfilment run {event.run} after a back-office review")


def on_fulfilment_closed(event: FulfilmentClosed, deps: Deps) -> None:
    advance(deps, event.reference, S.CLOSED,
            f"closed after a back-office review: {event.reason}"[:500])


def on_notified(event: NotificationSent, deps: Deps) -> None:
    final = {
        NotificationKind.OUTCOME: (S.COMPLETED, None),
        NotificationKind.IDENTITY_NOT_VERIFIED: (S.CLOSED, "identity not verified"),
    }.get(event.kind)
    if final is not None:
        advance(deps, event.reference, final[0], final[1])


def on_delivery_updated(event: DeliveryUpdated, deps: Deps) -> None:
    """Where each notice stands, for the status reply (sent, delivered, failed, expired); an
    answer's notice taken by its gateway gives the answer (answers.py)."""
    registry.note_delivery(deps.db, {
        "notice_id": event.notice_id, "reference": event.reference, "kind": event.kind.value,
        "medium": event.medium.value, "state": event.state.value, "at": event.at})
    if answers.given_by_notice(event.kind, event.state):
        registry.answered(deps.db, event.reference, event.at)


def on_call_made(event: CallMade, deps: Deps) -> None:
    """The call centre read the answer out to the customer: given then."""
    if answers.given_by_call(event.kinds):
        registry.answered(deps.db, event.reference, event.at)
