"""SMPP 3.4 delivery receipts (Appendix B): ``id:… sub:… dlvrd:… submit date:… done date:…
stat:DELIVRD err:… text:…`` in a deliver_sm's short_message, esm_class bit 2 set."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.notification import DeliveryState

RECEIPT_FLAG = 0x04
_FIELDS = re.compile(r"(id|stat|err):(\S+)", re.IGNORECASE)
STATES = {
    "DELIVRD": DeliveryState.DELIVERED,
    "EXPIRED": DeliveryState.EXPIRED,
    "UNDELIV": DeliveryState.FAILED,
    "REJECTD": DeliveryState.FAILED,
    "DELETED": DeliveryState.FAILED,
}


@dataclass(frozen=True)
class Receipt:
    message_id: str
    state: DeliveryState | None  # None: an intermediate state (ENROUTE, ACCEPTD, UNKNOWN)
    error: str


def parse(esm_class: int, short_message: bytes) -> Receipt | None:
    """The receipt, or None when the deliver_sm is not one (a mobile-originated SMS)."""
    if not esm_class & RECEIPT_FLAG:
        return None
    found = {k.lower(): v for k, v in _FIELDS.findall(short_message.decode("latin-1"))}
    if "id" not in found or "stat" not in found:
        return None
    return Receipt(found["id"], STATES.get(found["stat"].upper()), found.get("err", "000"))


def combined(states: list[DeliveryState | None]) -> DeliveryState | None:
    """A notice's state from its parts': failed or expired if any part is, delivered once all
    are, else still open (None)."""
    for final in (DeliveryState.FAILED, DeliveryState.EXPIRED):
        if final in states:
            return final
    if states and all(s is DeliveryState.DELIVERED for s in states):
        return DeliveryState.DELIVERED
    return None
