"""Notification handlers: one message per (request, kind, medium), however often redelivered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, select, update

from contracts.discovery import DiscoveryCompleted
from contracts.fulfilment import FulfilmentClosed, FulfilmentCompleted
from contracts.identity import DocumentReminderDue, DocumentRequested, IdentityRejected
from contracts.intake import RequestRegistered
from contracts.notification import DeliveryUpdated, Medium, NotificationKind, NotificationSent
from contracts.restriction import RestrictionLiftAnnounced, RestrictionLiftNotified
from contracts.status import RequestWithdrawn
from contracts.vocabulary import Action, Category, Channel, Right, Store
from services.access_package.pdf import letter_pdf
from services.notification import expiry, gateways, notices, packages, wording
from services.notification.addressing import (
    HELD_FOR_CALL_CENTRE,
    letter_address,
    one_line,
    sms_address,
)
from services.notification.rendering import render
from services.notification.sms import sms_parts
from services.notification.tables import outbound_messages, recipients, withdrawals
from services.notification.termination import termination_offer
from services.runtime.deps import Deps
from services.runtime.errors import Reject
from services.runtime.withdrawals import is_withdrawn, remember_withdrawal

K = NotificationKind


def acknowledge(registered: RequestRegistered, deps: Deps) -> None:
    deps.db.execute(insert(recipients).values(
        reference=registered.reference, msisdn=registered.subject.msisdn,
        channel=registered.channel.value, right=registered.right.value,
        received_at=registered.received_at, due_on=registered.due_on,
        return_address=one_line(registered.return_address),
    ))
    _send(deps, _recipient(deps, registered.reference), K.ACKNOWLEDGEMENT, {},
          letter=registered.channel is Channel.POSTAL)


def note_holdings(discovered: DiscoveryCompleted, deps: Deps) -> None:
    """Whether the number given was the subject's on the receipt date (rulebook §4)."""
    recipient = _recipient(deps, discovered.reference)
    held = any(h.msisdn == recipient.msisdn and h.held_from <= recipient.received_at
               and (h.held_until is None or h.held_until > recipient.received_at)
               for h in discovered.holdings)
    deps.db.execute(update(recipients).where(recipients.c.reference == recipient.reference)
                    .values(number_held=held))


def request_document(event: DocumentRequested, deps: Deps) -> None:
    """Rulebook §3.3: asked at once by SMS and letter (see ``addressing`` for where)."""
    _send(deps, _recipient(deps, event.reference), K.DOCUMENT_REQUESTED, {}, letter=True)


def remind_document(event: DocumentReminderDue, deps: Deps) -> None:
    _send(deps, _recipient(deps, event.reference), K.REMINDER,
          {"close_on": event.close_on.strftime("%d/%m/%Y")})


def identity_not_verified(event: IdentityRejected, deps: Deps) -> None:
    """The failed checks in French, each from its failure code (the staff's English notes
    stay out of the letter)."""
    _send(deps, _recipient(deps, event.reference), K.IDENTITY_NOT_VERIFIED,
          {"failed_checks": wording.failed_checks(event.checks)}, letter=True)


def answer(event: FulfilmentCompleted, deps: Deps) -> None:
    """The outcome by SMS and letter; for access, the package and its code by SMS first."""
    recipient = _recipient(deps, event.reference)
    lines = [{
        "category_fr": wording.CATEGORIES[Category(o.category)],
        "store_fr": wording.STORES[Store(o.store)],
        "action": o.action.value,
        "action_fr": wording.ACTIONS[Action(o.action)],
        "records": o.records, "reason": o.reason,
        "kept_until": o.kept_until.strftime("%d/%m/%Y") if o.kept_until else None,
    } for o in event.outcomes]
    package = None
    if (event.right is Right.ACCESS and event.package_ref
            and not is_withdrawn(deps.db, withdrawals, recipient.reference)):
        package = _package(deps, recipient, event)
    _send(deps, recipient, K.OUTCOME,
          {"outcomes": lines, "package_ref": event.package_ref, "package": package,
           "termination": termination_offer(event.outcomes)},
          letter=True)
    _notify_recipients(deps, recipient, event)


def _notify_recipients(deps: Deps, recipient: Row[Any], event: FulfilmentCompleted) -> None:
    """Each partner and sub-processor told once of the changes it must carry over (sent
    even after a withdrawal: the stores have changed)."""
    for notified, changed in notices.notices(event.right, event.outcomes):
        if _sent(deps, recipient.reference, K.RECIPIENT_NOTICE, Medium.EMAIL, notified.address):
            continue
        lines = [{"category_fr": wording.CATEGORIES[Category(o.category)],
                  "store_fr": wording.STORES[Store(o.store)],
                  "action_fr": wording.ACTIONS[Action(o.action)],
                  "kept_until": o.kept_until.strftime("%d/%m/%Y") if o.kept_until else None}
                 for o in changed]
        body = render(K.RECIPIENT_NOTICE.value, "email", **_context(recipient),
                      recipient_name=notified.name, msisdn=recipient.msisdn, lines=lines)
        _record(deps, recipient.reference, K.RECIPIENT_NOTICE, Medium.EMAIL,
                notified.address, body, 1)
        deps.publish(NotificationSent(reference=recipient.reference, kind=K.RECIPIENT_NOTICE,
                                      medium=Medium.EMAIL, parts=1),
                     subject=recipient.reference)


def _package(deps: Deps, recipient: Row[Any], event: FulfilmentCompleted) -> dict[str, str]:
    """Build the package and send its code once: a redelivery finds the code sent and only
    reads the package's expiry."""
    if _sent(deps, recipient.reference, K.PACKAGE_CODE, Medium.SMS):
        return {"expires_on": packages.expiry_of(deps.settings, recipient.reference)}
    issued = packages.issue(deps.settings, recipient.reference, event.package_ref or "",
                            now=deps.now(), postal=recipient.channel == Channel.POSTAL.value,
                            categories=[o.category for o in event.outcomes])
    expiry.remember(deps, recipient.reference, issued.expires_at)
    context = _context(recipient) | {"code": issued.code, "expires_on": issued.expires_on}
    sms = render(K.PACKAGE_CODE.value, "sms", **context)
    to = sms_address(K.PACKAGE_CODE, recipient.reference, recipient.msisdn,
                     recipient.number_held)
    _deliver(deps, recipient, K.PACKAGE_CODE, Medium.SMS, to, sms, sms_parts(sms))
    deps.publish(NotificationSent(reference=recipient.reference, kind=K.PACKAGE_CODE,
                                  medium=Medium.SMS, parts=sms_parts(sms)),
                 subject=recipient.reference)
    packages.discard_exports(deps.settings, event.package_ref or "")
    return {"expires_on": issued.expires_on}


def tell_closed(event: FulfilmentClosed, deps: Deps) -> None:
    """A failed fulfilment closed after review: the reason, and the right to complain."""
    _send(deps, _recipient(deps, event.reference), K.FAILURE,
          {"reason": event.reason, "restored": event.restored}, letter=True)


def announce_lift(event: RestrictionLiftAnnounced, deps: Deps) -> None:
    """Rulebook §6/§8: the customer is told before a restriction is lifted (SMS, and a
    letter for a postal request); fulfilment lifts it only once told."""
    recipient = _recipient(deps, event.reference)
    _send(deps, recipient, K.RESTRICTION_LIFT_NOTICE,
          {"lift_on": event.lift_on.strftime("%d/%m/%Y")},
          letter=recipient.channel == Channel.POSTAL.value)
    deps.publish(RestrictionLiftNotified(reference=event.reference, notified_at=deps.now()),
                 subject=event.reference)


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
    context = _context(recipient) | extra
    sms = render(kind.value, "sms", **context)
    to = sms_address(kind, recipient.reference, recipient.msisdn, recipient.number_held)
    if not _deliver(deps, recipient, kind, Medium.SMS, to, sms, sms_parts(sms)):
        return
    if letter:
        body = render(kind.value, "letter", **context)
        to = letter_address(kind, recipient.reference, recipient.return_address)
        document = None
        if (recipient.channel == Channel.POSTAL.value
                and not to.startswith(HELD_FOR_CALL_CENTRE)):
            document = _post_pdf(deps, recipient.reference, kind, body)
        _deliver(deps, recipient, kind, Medium.LETTER, to, body, 1, document)
    deps.publish(NotificationSent(reference=recipient.reference, kind=kind, medium=Medium.SMS,
                                  parts=sms_parts(sms)), subject=recipient.reference)


def _context(recipient: Row[Any]) -> dict[str, Any]:
    return {
        "reference": recipient.reference,
        "right_fr": wording.RIGHTS[Right(recipient.right)],
        "request_fr": wording.REQUESTS[Right(recipient.right)],
        "due_on": recipient.due_on.strftime("%d/%m/%Y"),
        "received_on": recipient.received_at.strftime("%d/%m/%Y"),
    }


def _post_pdf(deps: Deps, reference: str, kind: NotificationKind, body: str) -> str:
    """The letter as the simulated post gateway prints it: ``post/<reference>/<kind>.pdf``
    under the data directory (rewritten whole if a retry renders it again)."""
    relative = f"post/{reference}/{kind.value}.pdf"
    path = deps.settings.data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(letter_pdf(body, f"Orange Mali - {reference}"))
    partial.replace(path)
    return relative


def _sent(deps: Deps, reference: str, kind: NotificationKind, medium: Medium,
          address: str | None = None) -> bool:
    t = outbound_messages.c
    query = select(t.id).where(t.reference == reference, t.kind == kind.value,
                               t.medium == medium.value)
    if address is not None:
        query = query.where(t.recipient == address)
    return deps.db.execute(query).first() is not None


def _deliver(deps: Deps, recipient: Row[Any], kind: NotificationKind, medium: Medium,
             address: str, body: str, parts: int, document: str | None = None) -> bool:
    """Hand the message to the gateway once; False if it was already sent."""
    if _sent(deps, recipient.reference, kind, medium):
        return False
    _record(deps, recipient.reference, kind, medium, address, body, parts, document)
    return True


def _record(deps: Deps, reference: str, kind: NotificationKind, medium: Medium, address: str,
            body: str, parts: int, document: str | None = None) -> None:
    """The notice recorded, and handed to the delivery worker in the same transaction."""
    row = deps.db.execute(insert(outbound_messages).values(
        reference=reference, kind=kind.value, medium=medium.value, recipient=address,
        body=body, parts=parts, created_at=deps.now(), document=document))
    key = row.inserted_primary_key
    assert key is not None
    gateways.hand_over(deps, f"{reference}/{key[0]}", reference, kind, medium, address, body,
                       document)


def follow_delivery(event: DeliveryUpdated, deps: Deps) -> None:
    """An SMS failed for good: the same text by letter when the request has a postal
    address (and no letter of that kind went already), else the call centre phones."""
    if not gateways.needs_fallback(event):
        return
    recipient = _recipient(deps, event.reference)
    if _sent(deps, event.reference, event.kind, Medium.LETTER):
        return
    to = letter_address(event.kind, event.reference, recipient.return_address)
    why = f"SMS {event.state.value}: {event.reason or 'no reason given'}"
    if not gateways.fallback_letter_allowed(event.kind, to):
        gateways.put_on_call_list(deps, event.reference, event.kind, why)
        return
    sms = deps.db.execute(select(outbound_messages.c.body).where(
        outbound_messages.c.id == int(event.notice_id.rpartition("/")[2]))).scalar_one()
    document = _post_pdf(deps, event.reference, event.kind, sms)
    _record(deps, event.reference, event.kind, Medium.LETTER, to, sms, 1, document)
    deps.publish(NotificationSent(reference=event.reference, kind=event.kind,
                                  medium=Medium.LETTER, parts=1), subject=event.reference)
