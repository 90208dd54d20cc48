"""Notification handlers: one message per (request, kind, medium), however often redelivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select

from contracts.fulfilment import FulfilmentCompleted
from contracts.identity import DocumentReminderDue, DocumentRequested, IdentityRejected
from contracts.intake import RequestRegistered
from contracts.notification import Medium, NotificationKind, NotificationSent
from contracts.status import RequestWithdrawn
from contracts.vocabulary import Action, Category, Right, Store
from services.notification import wording
from services.notification.rendering import render
from services.notification.sms import sms_parts
from services.notification.tables import outbound_messages, recipients, withdrawals
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.withdrawals import is_withdrawn, remember_withdrawal

K = NotificationKind


def acknowledge(registered: RequestRegistered, deps: Deps) -> None:
    deps.db.execute(insert(recipients).values(
        reference=registered.reference, msisdn=registered.subject.msisdn,
        channel=registered.channel.value, right=registered.right.value,
        received_at=registered.received_at, due_on=registered.due_on,
    ))
    _send(deps, _recipient(deps, registered.reference), K.ACKNOWLEDGEMENT, {})


def request_document(event: DocumentRequested, deps: Deps) -> None:
    _send(deps, _recipient(deps, event.reference), K.DOCUMENT_REQUESTED, {})


def remind_document(event: DocumentReminderDue, deps: Deps) -> None:
    _send(deps, _recipient(deps, event.reference), K.REMINDER,
          {"close_on": event.close_on.strftime("%d/%m/%Y")})


def identity_not_verified(event: IdentityRejected, deps: Deps) -> None:
    failed = [c.note for c in event.checks if not c.passed and c.note]
    _send(deps, _recipient(deps, event.reference), K.IDENTITY_NOT_VERIFIED,
          {"failed_checks": failed}, letter=True)


def answer(event: FulfilmentCompleted, deps: Deps) -> None:
    lines = [{
        "category_fr": wording.CATEGORIES[Category(o.category)],
        "store_fr": wording.STORES[Store(o.store)],
        "action_fr": wording.ACTIONS[Action(o.action)],
        "records": o.records, "reason": o.reason,
        "kept_until": o.kept_until.strftime("%d/%m/%Y") if o.kept_until else None,
    } for o in event.outcomes]
    _send(deps, _recipient(deps, event.reference), K.OUTCOME,
          {"outcomes": lines, "package_ref": event.package_ref}, letter=True)


def confirm_withdrawal(event: RequestWithdrawn, deps: Deps) -> None:
    if remember_withdrawal(deps, withdrawals, event.reference):
        _send(deps, _recipient(deps, event.reference), K.WITHDRAWAL_CONFIRMED, {})


def _recipient(deps: Deps, reference: str) -> Row[Any]:
    row = deps.db.execute(select(recipients).where(recipients.c.reference == reference)).first()
    if row is None:
        raise Reject(f"no recipient is known for {reference}")
    return row


def _send(deps: Deps, recipient: Row[Any], kind: NotificationKind, extra: dict[str, Any],
          letter: bool = False) -> None:
    """Render and deliver once; after a withdrawal only its confirmation goes out."""
    if kind is not K.WITHDRAWAL_CONFIRMED and is_withdrawn(deps.db, withdrawals,
                                                           recipient.reference):
        return
    context = {
        "reference": recipient.reference,
        "right_fr": wording.RIGHTS[Right(recipient.right)],
        "due_on": recipient.due_on.strftime("%d/%m/%Y"),
        "received_on": recipient.received_at.strftime("%d/%m/%Y"),
        **extra,
    }
    sms = render(kind.value, "sms", **context)
    if not _deliver(deps, recipient, kind, Medium.SMS, sms, sms_parts(sms)):
        return
    if letter:
        _deliver(deps, recipient, kind, Medium.LETTER, render(kind.value, "letter", **context), 1)
    deps.publish(NotificationSent(reference=recipient.reference, kind=kind, medium=Medium.SMS,
                                  parts=sms_parts(sms)), subject=recipient.reference)


def _deliver(deps: Deps, recipient: Row[Any], kind: NotificationKind, medium: Medium,
             body: str, parts: int) -> bool:
    """Hand the message to the gateway once; False if it was already sent."""
    t = outbound_messages.c
    already = deps.db.execute(select(t.id).where(
        t.reference == recipient.reference, t.kind == kind.value, t.medium == medium.value
    )).first()
    if already is not None:
        return False
    address = recipient.msisdn if medium is Medium.SMS else f"courrier:{recipient.reference}"
    deps.db.execute(insert(outbound_messages).values(
        reference=recipient.reference, kind=kind.value, medium=medium.value,
        recipient=address, body=body, parts=parts, created_at=deps.now(),
    ))
    return True
