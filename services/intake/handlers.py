"""Intake handlers: plain functions of (message, deps)."""

from __future__ import annotations

from typing import Any

import structlog

from contracts.intake import FieldProblem, RequestRegistered, RequestRejected, RequestSubmitted
from contracts.status import StatusChanged, StatusQuery, StatusReply
from contracts.vocabulary import RequestState
from services.intake import registry
from services.intake.deadlines import due_date, internal_target
from services.intake.documents import summarise, summarise_representative
from services.runtime.deps import Deps

log = structlog.get_logger()


def register_request(submitted: RequestSubmitted, deps: Deps) -> None:
    """Register a new request once per channel reference, with its legal due date."""
    existing = registry.find_by_channel_reference(deps.db, submitted.channel_reference)
    if existing is not None:
        log.info("intake.duplicate", request_reference=existing, channel=submitted.channel)
        return
    now = deps.now()  # a receipt in the future was refused by the contract (ReceiptTime)
    reference = registry.next_reference(deps.db, submitted.received_at.year)
    due = due_date(submitted.received_at)
    target = internal_target(due, deps.settings.internal_target_days)
    registry.add(
        deps.db, reference=reference, channel=submitted.channel.value,
        channel_reference=submitted.channel_reference, right=submitted.right.value,
        received_at=submitted.received_at, due_on=due, target_on=target,
        state=RequestState.REGISTERED.value, registered_at=now, updated_at=now,
    )
    deps.publish(RequestRegistered(
        reference=reference, right=submitted.right, channel=submitted.channel,
        channel_reference=submitted.channel_reference, received_at=submitted.received_at,
        due_on=due, target_on=target, subject=submitted.subject,
        identity_document=summarise(submitted.identity_document),
        representative=summarise_representative(submitted.representative),
        details=submitted.details, return_address=submitted.return_address,
    ), subject=reference)
    deps.publish(StatusChanged(
        reference=reference, channel_reference=submitted.channel_reference,
        right=submitted.right, state=RequestState.REGISTERED,
        due_on=due, changed_at=now,
    ), subject=reference)


def reject_invalid_intake(
    raw: dict[str, Any] | None, problems: list[tuple[str, str]], deps: Deps
) -> None:
    """Answer an intake that fails the contract with which field is wrong and why."""
    channel_reference = raw.get("channel_reference") if raw else None
    if not isinstance(channel_reference, str) or not 0 < len(channel_reference) <= 120:
        channel_reference = None
    _reject(deps, channel_reference, problems)


def _reject(deps: Deps, channel_reference: str | None, problems: list[tuple[str, str]]) -> None:
    message_id = deps.incoming.id if deps.incoming else None
    registry.record_rejection(
        deps.db, message_id or f"invalid:{deps.now().isoformat()}:{len(problems)}",
        channel_reference, problems, deps.now())
    deps.publish(RequestRejected(
        channel_reference=channel_reference,
        problems=[FieldProblem(field=f, problem=p) for f, p in problems[:20]],
    ))


def answer_status_query(query: StatusQuery, deps: Deps) -> StatusReply:
    """What a 7400 agent tells a caller: the state of their request and its due date."""
    row = registry.get(deps.db, query.reference)
    if row is None:
        return StatusReply(reference=query.reference, found=False)
    return StatusReply(
        reference=query.reference, found=True, right=row["right"], state=row["state"],
        due_on=row["due_on"], reason=row["reason"], updated_at=row["updated_at"],
        outcomes=row["outcomes"] or [],
        escalated=row["escalated_at"] is not None, breached=row["breached_at"] is not None,
        notices=registry.notices_of(deps.db, query.reference),
    )
