"""The delivery record of each notice: every change in one transaction with the event that
tells it (``notification.delivery-updated.v1`` in delivery's outbox, published by the relay).

A receipt can come before its part's message id is recorded. It is then kept
(``early_receipts``) and matched by whichever comes second: each side commits its own write
before it looks for the other's (the receipt, then the part; the message id, then in ``sent``
the receipts), so at least one of them sees both; matching twice changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update

from contracts.notification import DeliveryState, DeliveryUpdated, Medium, NoticeTask
from services.delivery import receipts
from services.delivery.tables import deliveries, early_receipts, metadata, sms_parts
from services.runtime.clock import Clock
from services.runtime.commands import transaction
from services.runtime.deps import Deps
from services.runtime.settings import Settings

SERVICE = "delivery"
S = DeliveryState
OPEN = (S.QUEUED.value,)


@dataclass
class Ledger:
    engine: Engine
    settings: Settings
    clock: Clock

    def _transaction(self) -> AbstractContextManager[Deps]:
        return transaction(self.engine, metadata, self.clock, self.settings, SERVICE)

    def open(self, task: NoticeTask) -> bool:
        """Record the notice as queued (once); True while it still has to be sent."""
        with self._transaction() as deps:
            row = _row(deps, task.notice_id)
            if row is None:
                deps.db.execute(insert(deliveries).values(
                    notice_id=task.notice_id, reference=task.reference, kind=task.kind.value,
                    medium=task.medium.value, state=S.QUEUED.value, queued_at=deps.now()))
                return True
            return bool(row.state in OPEN)

    def reopen(self, notice_id: str) -> None:
        """An operator redrove a failed notice: it is queued again (its parts the SMSC took
        stay taken)."""
        with self._transaction() as deps:
            deps.db.execute(update(deliveries).where(deliveries.c.notice_id == notice_id,
                                                     deliveries.c.state == S.FAILED.value)
                            .values(state=S.QUEUED.value, reason=None, finished_at=None))

    def parts(self, notice_id: str) -> dict[int, str | None]:
        """Parts already submitted (message id) or in doubt (None: submitting when a crash
        came)."""
        with self.engine.connect() as db:
            rows = db.execute(select(sms_parts.c.part, sms_parts.c.message_id)
                              .where(sms_parts.c.notice_id == notice_id)).all()
        return {r.part: r.message_id for r in rows}

    def submitting(self, notice_id: str, part: int) -> None:
        with self._transaction() as deps:
            deps.db.execute(insert(sms_parts).values(notice_id=notice_id, part=part,
                                                     submitted_at=deps.now()))

    def not_submitted(self, notice_id: str, part: int) -> None:
        """The SMSC answered with an error: the part was not taken, it may be sent again."""
        with self._transaction() as deps:
            deps.db.execute(sms_parts.delete().where(sms_parts.c.notice_id == notice_id,
                                                     sms_parts.c.part == part))

    def submitted(self, notice_id: str, part: int, message_id: str) -> None:
        with self._transaction() as deps:
            deps.db.execute(update(sms_parts).where(sms_parts.c.notice_id == notice_id,
                                                    sms_parts.c.part == part)
                            .values(message_id=message_id))

    def sent(self, task: NoticeTask, gateway_id: str | None, reason: str | None = None) -> None:
        """Taken by the gateway; an SMS whose receipts all came first moves on at once."""
        with self._transaction() as deps:
            early = (_match_early(deps, sms_parts.c.notice_id == task.notice_id)
                     if task.medium is Medium.SMS else [])
            if _move(deps, task.notice_id, S.SENT, only_from=OPEN, gateway_id=gateway_id,
                     reason=reason):
                _settle_parts(deps, task.notice_id, early[-1].error if early else "")

    def failed(self, notice_id: str, reason: str) -> None:
        self._move(notice_id, S.FAILED, reason=reason[:300])

    def confirmed(self, notice_id: str, by: str) -> bool:
        """The mail room (``by``, a login) confirms a letter went out: delivered (False:
        unknown or not sent)."""
        return self._move(notice_id, S.DELIVERED, only_from=(S.SENT.value,), confirmed_by=by)

    def receipt(self, receipt: receipts.Receipt) -> None:
        """A deliver_sm receipt for one part: the notice is delivered once every part is,
        failed or expired as soon as one part is."""
        if receipt.state is None:
            return
        with self._transaction() as deps:
            if _apply(deps, receipt.message_id, receipt.state.value, receipt.error):
                return
            if _kept_early(deps, receipt.message_id) is None:  # the SMSC sent it again
                deps.db.execute(insert(early_receipts).values(
                    message_id=receipt.message_id, state=receipt.state.value,
                    error=receipt.error[:10], received_at=deps.now()))
        with self._transaction() as deps:  # the part may have been recorded meanwhile
            for early in _match_early(deps, early_receipts.c.message_id == receipt.message_id):
                _settle_parts(deps, early.notice_id, early.error)

    def _move(self, notice_id: str, state: DeliveryState, *,
              only_from: tuple[str, ...] = OPEN, **values: Any) -> bool:
        with self._transaction() as deps:
            return _move(deps, notice_id, state, only_from=only_from, **values)


def awaiting_receipt(deps: Deps, sent_before: datetime, limit: int) -> list[str]:
    """SMS notices sent before ``sent_before`` whose receipts have not all come, oldest
    first."""
    d = deliveries.c
    return list(deps.db.execute(
        select(d.notice_id).where(d.medium == Medium.SMS.value, d.state == S.SENT.value,
                                  d.sent_at < sent_before)
        .order_by(d.sent_at, d.notice_id).limit(limit)).scalars())


def expire(deps: Deps, notice_id: str, reason: str) -> bool:
    """A sent notice that will not be delivered: expired (its fallback follows)."""
    return _move(deps, notice_id, S.EXPIRED, only_from=(S.SENT.value,), reason=reason)


def forget_early_receipts(deps: Deps, received_before: datetime) -> int:
    """Receipts no recorded part ever claimed (its submit was in doubt after a crash, or the
    message was not ours): dropped once their notice would have expired anyway."""
    return int(deps.db.execute(early_receipts.delete().where(
        early_receipts.c.received_at < received_before)).rowcount or 0)


def _apply(deps: Deps, message_id: str, state: str, error: str) -> bool:
    """The receipt's state on its part, and the notice settled if it can be; False when no
    part has that message id (yet)."""
    found = deps.db.execute(select(sms_parts.c.notice_id).where(
        sms_parts.c.message_id == message_id)).first()
    if found is None:
        return False
    _mark_part(deps, message_id, state)
    _settle_parts(deps, found.notice_id, error)
    return True


def _match_early(deps: Deps, where: Any) -> Sequence[Row[str, str, str, str]]:
    """The early receipts of the parts ``where`` picks, now on their parts and forgotten."""
    e, p = early_receipts.c, sms_parts.c
    matched = deps.db.execute(select(e.message_id, e.state, e.error, p.notice_id)
                              .join(sms_parts, p.message_id == e.message_id).where(where)).all()
    for early in matched:
        _mark_part(deps, early.message_id, early.state)
        deps.db.execute(early_receipts.delete().where(e.message_id == early.message_id))
    return matched


def _mark_part(deps: Deps, message_id: str, state: str) -> None:
    deps.db.execute(update(sms_parts).where(sms_parts.c.message_id == message_id)
                    .values(state=state))


def _kept_early(deps: Deps, message_id: str) -> Row[Any] | None:
    return deps.db.execute(select(early_receipts.c.message_id).where(
        early_receipts.c.message_id == message_id)).first()


def _settle_parts(deps: Deps, notice_id: str, error: str) -> None:
    """A sent SMS whose parts' receipts say delivered (all), failed or expired (any)."""
    states = deps.db.execute(select(sms_parts.c.state).where(
        sms_parts.c.notice_id == notice_id)).scalars().all()
    total = receipts.combined([S(s) if s else None for s in states])
    if total is not None:
        why = None if total is S.DELIVERED else f"SMSC receipt, error {error or '?'}"
        _move(deps, notice_id, total, only_from=(S.SENT.value,), reason=why)


def _row(deps: Deps, notice_id: str) -> Row[Any] | None:
    return deps.db.execute(select(deliveries).where(deliveries.c.notice_id == notice_id)).first()


def _move(deps: Deps, notice_id: str, state: DeliveryState, *, only_from: tuple[str, ...],
          gateway_id: str | None = None, reason: str | None = None,
          confirmed_by: str | None = None) -> bool:
    row = _row(deps, notice_id)
    if row is None or row.state not in only_from:
        return False
    now = deps.now()
    values: dict[str, Any] = {"state": state.value, "reason": reason}
    if state is S.SENT:
        values |= {"sent_at": now, "gateway_id": gateway_id}
    else:
        values["finished_at"] = now
    deps.db.execute(update(deliveries).where(deliveries.c.notice_id == notice_id).values(values))
    deps.publish(DeliveryUpdated(
        reference=row.reference, notice_id=notice_id, kind=row.kind, medium=Medium(row.medium),
        state=state, gateway_id=gateway_id or row.gateway_id, reason=reason,
        confirmed_by=confirmed_by[:80] if confirmed_by else None, at=now),
        subject=row.reference)
    return True
