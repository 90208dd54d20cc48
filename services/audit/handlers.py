"""Audit handlers: each turns one saga event into a personal-data-free summary.

What is kept: the reference, states, right, channel, dates, document kinds, check names,
outcomes per category, notification kinds, and the staff login that took a back-office
decision (``by``: accountability for every staff action). What is never kept: the subject's
names, MSISDNs, NINA or document numbers, customer codes, the customer's or a worker's
free text (a reviewer's reason stays with the service that owns the decision).
"""

from __future__ import annotations

from typing import Any

from contracts.backoffice import StoreResult
from contracts.discovery import DiscoveryCompleted, DiscoveryFailed
from contracts.fulfilment import (
    FulfilmentClosed,
    FulfilmentCompleted,
    FulfilmentFailed,
    FulfilmentRetried,
    FulfilmentReviewDecided,
)
from contracts.identity import (
    CheckResult,
    DocumentReminderDue,
    DocumentRequested,
    IdentityRejected,
    IdentityVerified,
    ReviewDecided,
    ReviewRequested,
)
from contracts.intake import DocumentRegistered, RequestRegistered, WithdrawalSubmitted
from contracts.notification import (
    CallMade,
    DeliveryUpdated,
    NotificationSent,
    PackageDestroyed,
)
from contracts.restriction import (
    RestrictionLiftAnnounced,
    RestrictionLifted,
    RestrictionLiftNotified,
    RestrictionLiftRequested,
)
from contracts.status import (
    DeadLetterRedriven,
    DeadlineBreached,
    DeadlineEscalated,
    RequestWithdrawn,
    StatusChanged,
)
from contracts.vocabulary import RequestState
from services.audit.journal import incoming, record
from services.rulebook import answers
from services.runtime.deps import Deps

MAX_REASON = 300


def _failed(checks: list[CheckResult]) -> list[str]:
    return sorted({c.check for c in checks if not c.passed})


def on_registered(event: RequestRegistered, deps: Deps) -> None:
    """Only the reference, right, channel, receipt and due date: the claim stays out."""
    record(deps, event.reference,
           {"right": event.right.value, "channel": event.channel.value,
            "received_at": event.received_at, "due_on": event.due_on},
           right=event.right.value, channel=event.channel.value,
           received_at=event.received_at, due_on=event.due_on,
           state="registered", state_at=event.received_at)


def on_document_registered(event: DocumentRegistered, deps: Deps) -> None:
    summary = {"document_kind": event.identity_document.kind.value}
    record(deps, event.reference,
           {**summary, "by": event.submitted_by} if event.submitted_by else summary)


def on_withdrawal_submitted(event: WithdrawalSubmitted, deps: Deps) -> None:
    record(deps, event.reference,
           {"channel": event.channel.value, "received_at": event.received_at}, create=False)


def on_status_changed(event: StatusChanged, deps: Deps) -> None:
    record(deps, event.reference,
           {"state": event.state.value, "right": event.right.value, "due_on": event.due_on},
           right=event.right.value, due_on=event.due_on,
           state=event.state.value, state_at=event.changed_at)


def on_withdrawn(event: RequestWithdrawn, deps: Deps) -> None:
    record(deps, event.reference,
           {"right": event.right.value, "withdrawn_at": event.withdrawn_at})


def on_identity_verified(event: IdentityVerified, deps: Deps) -> None:
    record(deps, event.reference,
           {"right": event.right.value, "document_kind": event.document_kind.value,
            "checks": sorted({c.check for c in event.checks}),
            "failed_checks": _failed(event.checks)},
           identity="verified")


def on_identity_rejected(event: IdentityRejected, deps: Deps) -> None:
    failed = _failed(event.checks)
    record(deps, event.reference, {"right": event.right.value, "failed_checks": failed},
           identity="rejected", failed_checks=failed)


def on_document_requested(event: DocumentRequested, deps: Deps) -> None:
    record(deps, event.reference, {"right": event.right.value},
           identity="document_requested")


def on_review_requested(event: ReviewRequested, deps: Deps) -> None:
    record(deps, event.reference,
           {"right": event.right.value, "failed_checks": _failed(event.checks),
            "inconclusive_checks": sorted({c.check for c in event.checks if c.inconclusive})},
           identity="manual_review")


def on_review_decided(event: ReviewDecided, deps: Deps) -> None:
    """The decision and who took it; the reviewer's words stay in the identity worker."""
    record(deps, event.reference, {"approved": event.approved, "by": event.reviewer},
           create=False)


def on_document_reminder_due(event: DocumentReminderDue, deps: Deps) -> None:
    record(deps, event.reference, {"close_on": event.close_on})


def on_escalated(event: DeadlineEscalated, deps: Deps) -> None:
    record(deps, event.reference,
           {"state": event.state.value, "target_on": event.target_on,
            "due_on": event.due_on, "escalated": True},
           escalated_at=incoming(deps).time)


def on_breached(event: DeadlineBreached, deps: Deps) -> None:
    record(deps, event.reference,
           {"state": event.state.value, "due_on": event.due_on, "breach": True},
           right=event.right.value, due_on=event.due_on, breached_at=incoming(deps).time)


def on_discovered(event: DiscoveryCompleted, deps: Deps) -> None:
    inventory = [{"store": i.store.value, "category": i.category.value, "records": i.records,
                  "holds": sorted({h.kind for h in i.holds})} for i in event.inventory]
    record(deps, event.reference, {"right": event.right.value, "inventory": inventory})


def outcome_rows(event: FulfilmentCompleted) -> list[dict[str, Any]]:
    """Outcome per category: the store's policy reason (fixed wording), never customer data."""
    return [{"store": o.store.value, "category": o.category.value, "action": o.action.value,
             "records": o.records, "kept_until": o.kept_until,
             "reason": o.reason[:MAX_REASON] if o.reason else None}
            for o in event.outcomes]


def on_fulfilled(event: FulfilmentCompleted, deps: Deps) -> None:
    outcomes = outcome_rows(event)
    record(deps, event.reference, {"right": event.right.value, "outcomes": outcomes},
           outcomes=[{**o, "kept_until": o["kept_until"].isoformat() if o["kept_until"]
                      else None} for o in outcomes])


def on_discovery_failed(event: DiscoveryFailed, deps: Deps) -> None:
    """Which store failed discovery; the reason may quote a store's error, so it is not kept."""
    record(deps, event.reference, {"right": event.right.value,
                                   "discovery_failed": event.store.value},
           state=RequestState.MANUAL_REVIEW.value, state_at=incoming(deps).time, reopen=True)


def on_fulfilment_failed(event: FulfilmentFailed, deps: Deps) -> None:
    """That it failed; the store's error text may quote data, so it is not kept."""
    record(deps, event.reference, {"right": event.right.value, "failed": True},
           fulfilment_failed=True, fulfilment_review="pending",
           state=RequestState.MANUAL_REVIEW.value, state_at=incoming(deps).time, reopen=True)


def on_fulfilment_review_decided(event: FulfilmentReviewDecided, deps: Deps) -> None:
    """The decision and who took it; the reviewer's words stay out."""
    record(deps, event.reference,
           {"fulfilment_review": event.decision.value, "by": event.reviewer}, create=False)


def on_fulfilment_retried(event: FulfilmentRetried, deps: Deps) -> None:
    record(deps, event.reference, {"right": event.right.value, "run": event.run},
           create=False, fulfilment_review="retried")


def on_fulfilment_closed(event: FulfilmentClosed, deps: Deps) -> None:
    """That it was closed; the reason is the back office's free text, so it is not kept."""
    record(deps, event.reference, {"right": event.right.value, "closed": True},
           create=False, fulfilment_review="closed")


def on_package_destroyed(event: PackageDestroyed, deps: Deps) -> None:
    record(deps, event.reference,
           {"package": "destroyed", "expired_at": event.expired_at,
            "destroyed_at": event.destroyed_at},
           create=False, package_destroyed_at=event.destroyed_at)


def on_notified(event: NotificationSent, deps: Deps) -> None:
    record(deps, event.reference,
           {"kind": event.kind.value, "medium": event.medium.value, "parts": event.parts})


def on_delivery_updated(event: DeliveryUpdated, deps: Deps) -> None:
    """Where each notice stands with its gateway; the answer counts as given once sent."""
    given = answers.given_by_notice(event.kind, event.state)
    record(deps, event.reference,
           {"kind": event.kind.value, "medium": event.medium.value,
            "delivery": event.state.value, "at": event.at}
           | ({"by": event.confirmed_by} if event.confirmed_by else {}), create=False,
           answer_sent_at=event.at if given else None)


def on_call_made(event: CallMade, deps: Deps) -> None:
    """The call centre phoned the customer; an answer read out counts as given then."""
    record(deps, event.reference,
           {"call": [k.value for k in event.kinds], "by": event.called_by, "at": event.at},
           create=False, answer_sent_at=event.at if answers.given_by_call(event.kinds) else None)


def on_store_result(result: StoreResult, deps: Deps) -> None:
    """A store's answer: which store, which action, whether it succeeded, which categories.

    An identify result carries the CRM's identity record: none of it is kept.
    """
    categories = {i.category.value for i in result.inventory}
    categories |= {o.category.value for o in result.outcomes}
    record(deps, result.reference,
           {"store": result.store.value, "action": result.action.value, "ok": result.ok,
            "categories": sorted(categories)}, create=False)


def on_lift_requested(event: RestrictionLiftRequested, deps: Deps) -> None:
    """That a lift was asked and by whom; why stays in fulfilment's record."""
    record(deps, event.reference, {"restriction": "lift_requested", "by": event.requested_by},
           create=False)


OPERATIONS = "operations"
"""The audit reference of an operator's step that names no request."""


def on_dead_letter_redriven(event: DeadLetterRedriven, deps: Deps) -> None:
    """Which message went back, from which worker's dead-letter queue, and who sent it."""
    record(deps, event.reference or OPERATIONS,
           {"redriven": event.event_type, "event_id": event.event_id, "worker": event.worker,
            "by": event.redriven_by}, create=False)


def on_lift_announced(event: RestrictionLiftAnnounced, deps: Deps) -> None:
    record(deps, event.reference, {"restriction": "lift_announced", "lift_on": event.lift_on},
           create=False)


def on_lift_notified(event: RestrictionLiftNotified, deps: Deps) -> None:
    record(deps, event.reference,
           {"restriction": "lift_notified", "notified_at": event.notified_at}, create=False)


def on_lifted(event: RestrictionLifted, deps: Deps) -> None:
    record(deps, event.reference, {"restriction": "lifted", "outcomes": [
        {"store": o.store.value, "category": o.category.value, "action": o.action.value,
         "records": o.records} for o in event.outcomes]}, create=False)
