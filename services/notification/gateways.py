"""Each recorded notice handed to the delivery worker: a task through the outbox, in the
transaction that recorded it; what cannot go out is put on the call centre's list.

The delivery worker tells back where the notice stands (``notification.delivery-updated.v1``).
An SMS that failed for good falls back to a letter of the same kind when the request has a
postal address and the kind has a letter (never the package code: its code goes only to the
verified number); else the call centre phones the customer.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from contracts.notification import (
    TASK_ACTORS,
    TASK_QUEUES,
    DeliveryState,
    DeliveryUpdated,
    Medium,
    NoticeTask,
    NotificationKind,
)
from services.notification import notices
from services.notification.addressing import HELD_FOR_CALL_CENTRE, POSTAL
from services.notification.tables import call_list
from services.runtime.deps import Deps
from services.runtime.settings import Settings

K = NotificationKind
PARTNER = "destinataire:"
SUBJECTS = {K.RECIPIENT_NOTICE: "Droits des personnes : modifications à répercuter"}


def hand_over(deps: Deps, notice_id: str, reference: str, kind: NotificationKind,
              medium: Medium, address: str, body: str, document: str | None) -> None:
    if address.startswith(f"{HELD_FOR_CALL_CENTRE}:"):
        put_on_call_list(deps, reference, kind, "held: the number is not known to be the "
                         "subject's (before verification, or no longer theirs)")
        return
    task = NoticeTask(notice_id=notice_id, reference=reference, kind=kind, medium=medium,
                      recipient=_recipient(deps, medium, address),
                      subject=SUBJECTS.get(kind, f"Votre demande {reference}"),
                      body=body, document=document)
    deps.enqueue(TASK_QUEUES[medium], TASK_ACTORS[medium], task.model_dump(mode="json"),
                 key=notice_id)


def _recipient(deps: Deps, medium: Medium, address: str) -> str:
    if medium is Medium.EMAIL and address.startswith(PARTNER):
        return ", ".join(mailboxes(deps.settings, address.removeprefix(PARTNER)))
    if medium is Medium.LETTER:
        return address.removeprefix(f"{POSTAL}:")
    return address


def mailboxes(settings: Settings, recipient: str) -> list[str]:
    """A recipient's mailboxes (DSR_NOTICE_RECIPIENTS); start-up checked every recipient has
    some (``check_recipients``)."""
    return [str(address) for address in settings.notice_recipients[recipient]]


def check_recipients(settings: Settings) -> None:
    """Refuse to start without a mailbox for each recipient the policy names."""
    keys = {r.address.removeprefix(PARTNER) for r in notices.RECIPIENTS}
    missing = sorted(k for k in keys if not settings.notice_recipients.get(k))
    if missing:
        raise ValueError(f"DSR_NOTICE_RECIPIENTS has no mailbox for {', '.join(missing)}: "
                         "the recipients of customers' data must be told of each change")


def put_on_call_list(deps: Deps, reference: str, kind: NotificationKind, reason: str) -> None:
    t = call_list.c
    known = deps.db.execute(select(t.reference).where(t.reference == reference,
                                                      t.kind == kind.value)).first()
    if known is None:
        deps.db.execute(insert(call_list).values(reference=reference, kind=kind.value,
                                                 reason=reason[:300], listed_at=deps.now()))


FAILED_FOR_GOOD = (DeliveryState.FAILED, DeliveryState.EXPIRED)


def needs_fallback(event: DeliveryUpdated) -> bool:
    return event.medium is Medium.SMS and event.state in FAILED_FOR_GOOD


def fallback_letter_allowed(kind: NotificationKind, letter_to: str) -> bool:
    """Pure: a letter (the SMS's text, printed) replaces a failed SMS unless it is the package
    code (its code goes only to the verified number) or the request has no postal address."""
    return kind is not K.PACKAGE_CODE and letter_to.startswith(f"{POSTAL}:")
