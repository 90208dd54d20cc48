"""Which actions a request's state allows (pure), who may take each, and the contract event
each publishes: the same events as ``dsr review``, ``dsr restriction lift`` and
``dsr document``, signed with the staff member's login."""

from __future__ import annotations

from enum import StrEnum

from contracts.envelope import Message
from contracts.fulfilment import FulfilmentReviewDecided, ReviewDecision
from contracts.identity import ReviewDecided
from contracts.intake import DocumentSubmitted, IdentityDocument
from contracts.restriction import RestrictionLiftRequested
from contracts.vocabulary import Channel, RequestState
from services.console.roles import Permission
from services.fulfilment.queries import Fulfilment, Restriction
from services.fulfilment.review import FAILED
from services.identity.checks import Decision
from services.runtime.clock import Clock


class Action(StrEnum):
    ATTACH_DOCUMENT = "attach_document"
    DECIDE_IDENTITY = "decide_identity"
    RETRY_FULFILMENT = "retry_fulfilment"
    CLOSE_FULFILMENT = "close_fulfilment"
    LIFT_RESTRICTION = "lift_restriction"


NEEDS: dict[Action, Permission] = {
    Action.ATTACH_DOCUMENT: Permission.ATTACH_DOCUMENT,
    Action.DECIDE_IDENTITY: Permission.DECIDE_IDENTITY,
    Action.RETRY_FULFILMENT: Permission.DECIDE_FULFILMENT,
    Action.CLOSE_FULFILMENT: Permission.DECIDE_FULFILMENT,
    Action.LIFT_RESTRICTION: Permission.LIFT_RESTRICTION,
}
LIFTABLE = frozenset({"active", "failed"})


def available(state: str, identity: str | None, fulfilment: Fulfilment | None,
              restriction: Restriction | None) -> frozenset[Action]:
    """What the request's state allows, whoever asks."""
    found: set[Action] = set()
    if state == RequestState.DOCUMENT_REQUESTED.value:
        found.add(Action.ATTACH_DOCUMENT)
    in_review = state == RequestState.MANUAL_REVIEW.value
    if in_review and identity == Decision.MANUAL_REVIEW.value:
        found.add(Action.DECIDE_IDENTITY)
    if in_review and fulfilment is not None and fulfilment.state == FAILED:
        found.add(Action.CLOSE_FULFILMENT)
        if fulfilment.retryable:
            found.add(Action.RETRY_FULFILMENT)
    if restriction is not None and restriction.state in LIFTABLE:
        found.add(Action.LIFT_RESTRICTION)
    return frozenset(found)


def identity_decision(reference: str, approved: bool, by: str, reason: str) -> Message:
    return ReviewDecided(reference=reference, approved=approved, reviewer=by, reason=reason)


def fulfilment_decision(reference: str, retry: bool, by: str, reason: str) -> Message:
    decision = ReviewDecision.RETRY if retry else ReviewDecision.CLOSE
    return FulfilmentReviewDecided(reference=reference, decision=decision, reviewer=by,
                                   reason=reason)


def lift_request(reference: str, by: str, reason: str) -> Message:
    return RestrictionLiftRequested(reference=reference, reason=reason, requested_by=by)


def document_attached(reference: str, channel: str, document: IdentityDocument, by: str,
                      clock: Clock) -> Message:
    return DocumentSubmitted(reference=reference, channel=Channel(channel),
                             received_at=clock.now(), identity_document=document,
                             submitted_by=by)
