"""Rulebook §2.5: when the answer counts as given. Pure.

The deadline is met by the answer reaching the customer, not by the saga recording it: the
answer is given when a gateway took its notice (the SMSC, the SMTP relay, the print room),
or when the call centre read it out on the phone. A request ends (completed, closed) when
its answer is recorded; it stays under the deadline until the answer is given. A withdrawn
request owes no answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from contracts.notification import DeliveryState, NotificationKind
from contracts.vocabulary import RequestState

K = NotificationKind
ANSWERS = frozenset({K.OUTCOME, K.IDENTITY_NOT_VERIFIED, K.FAILURE})
"""The notices that answer a request: what was done, or why nothing could be."""
TAKEN = frozenset({DeliveryState.SENT, DeliveryState.DELIVERED})
OWES_NO_ANSWER = frozenset({RequestState.WITHDRAWN})


def given_by_notice(kind: NotificationKind, state: DeliveryState) -> bool:
    return kind in ANSWERS and state in TAKEN


def given_by_call(kinds: Iterable[NotificationKind]) -> bool:
    return any(kind in ANSWERS for kind in kinds)
