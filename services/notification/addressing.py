"""Where a letter goes: the one place that decides (rulebook §3.3, §3.6).

Before identity is verified nothing goes to a contact the CRM holds or the requester quoted:
it would reach whoever holds that address, who may not be the subject. So a letter sent
before verification goes to the return address of the letter the request came in (a postal
request; ``courrier:<reference>`` is the simulated post's handle for it), and for any other
channel it is produced and recorded but held for the call centre (``7400:<reference>``),
whose agent reads it to the caller. Letters after verification keep the request's postal
handle, as they always have.

An SMS goes to the number given, unless discovery found that number was no longer the
subject's on the receipt date (a former customer's, recycled to someone else perhaps): then
it is held for the call centre too, and nothing about the request reaches that number again.
"""

from __future__ import annotations

from contracts.notification import NotificationKind
from contracts.vocabulary import Channel

K = NotificationKind

BEFORE_VERIFICATION = frozenset({K.ACKNOWLEDGEMENT, K.DOCUMENT_REQUESTED, K.REMINDER,
                                 K.IDENTITY_NOT_VERIFIED})
HELD_FOR_CALL_CENTRE = "7400"
POSTAL = "courrier"


def letter_address(channel: str, reference: str, kind: NotificationKind) -> str:
    """The recipient of ``kind``'s letter for a request that came in on ``channel``."""
    if kind in BEFORE_VERIFICATION and channel != Channel.POSTAL.value:
        return f"{HELD_FOR_CALL_CENTRE}:{reference}"
    return f"{POSTAL}:{reference}"


def sms_address(msisdn: str, reference: str, number_held: bool | None) -> str:
    """The recipient of an SMS; ``number_held`` is unknown (None) until discovery."""
    return f"{HELD_FOR_CALL_CENTRE}:{reference}" if number_held is False else msisdn
