"""Where each message goes: the one place that decides (rulebook §3.3, §3.6).

Before identity is verified nothing goes to a contact the CRM holds or the requester quoted:
it would reach whoever holds that number or address, who may not be the subject (anyone can
quote a stranger's number). So before verification:

- an SMS is held for the call centre (``7400:<reference>``): the agent reads the reference
  and what is missing to the caller, on this call or when they call 7400 again;
- a letter goes to the return address written on the letter the request came in
  (``courrier:<the address>``), printed as a PDF for the post; a request with no return
  address has its letter held for the call centre too.

Once identity is verified, an SMS goes to the number given, unless discovery found that number
was no longer the subject's on the receipt date (a former customer's, recycled to someone else
perhaps): then it is held for the call centre too, and nothing about the request reaches that
number. Letters go to the subject's address on file (``courrier:<reference>``: the simulated
post looks it up by the request).
"""

from __future__ import annotations

from contracts.notification import NotificationKind

K = NotificationKind

BEFORE_VERIFICATION = frozenset({K.ACKNOWLEDGEMENT, K.DOCUMENT_REQUESTED, K.REMINDER,
                                 K.IDENTITY_NOT_VERIFIED})
HELD_FOR_CALL_CENTRE = "7400"
POSTAL = "courrier"


def held_for_call_centre(reference: str) -> str:
    return f"{HELD_FOR_CALL_CENTRE}:{reference}"


def sms_address(kind: NotificationKind, reference: str, msisdn: str,
                number_held: bool | None) -> str:
    """The MSISDN an SMS of ``kind`` goes to, or the call centre's hold: before verification,
    and when the number was not the subject's (``number_held`` is None until discovery)."""
    if kind in BEFORE_VERIFICATION or number_held is False:
        return held_for_call_centre(reference)
    return msisdn


def letter_address(kind: NotificationKind, reference: str, return_address: str | None) -> str:
    """The recipient of ``kind``'s letter; ``return_address`` is the letter's, if it had one."""
    if kind not in BEFORE_VERIFICATION:
        return f"{POSTAL}:{reference}"
    if return_address:
        return f"{POSTAL}:{return_address}"
    return held_for_call_centre(reference)


def one_line(address: list[str] | None) -> str | None:
    """A return address as the post gateway reads it: its lines joined by ' / '."""
    return " / ".join(address) if address else None

