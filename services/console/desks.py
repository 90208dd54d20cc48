"""The call centre's and the mail room's desks: a call made goes on the notification worker's
call list (and ``notification.call-made.v1`` through its outbox), a letter the mail room
posted moves to delivered in the delivery worker's ledger (and
``notification.delivery-updated.v1`` through its outbox), the same code as ``dsr calls
--called`` and ``dsr post confirm``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from contracts.notification import NotificationKind
from services.delivery.repository import Ledger
from services.notification.calls import mark_called


def nothing() -> None:
    """On RabbitMQ each worker's relay publishes its outbox."""


@dataclass
class StaffDesks:
    notification: Engine
    ledger: Ledger
    relay: Callable[[], None] = nothing

    def call_made(self, reference: str, by: str, note: str) -> list[NotificationKind]:
        told = mark_called(self.notification, self.ledger.settings, self.ledger.clock,
                           reference, by, note)
        self.relay()
        return told

    def confirmed(self, notice_ids: list[str], by: str) -> dict[str, bool]:
        done = {notice_id: self.ledger.confirmed(notice_id, by) for notice_id in notice_ids}
        self.relay()
        return done
