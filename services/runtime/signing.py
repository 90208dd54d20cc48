"""Store commands are signed (HMAC-SHA256 with a per-deployment key), so that a message that
can erase a customer's data cannot be forged, altered or replayed late.

The signature covers the envelope's id, type, time and subject and the canonical JSON of its
data; it travels as the CloudEvents extension attribute ``dsrsignature``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta

from contracts.envelope import CloudEvent

SIGNATURE_ATTRIBUTE = "dsrsignature"


def _canonical(event: CloudEvent) -> bytes:
    signed = {"id": event.id, "type": event.type, "time": event.time.isoformat(),
              "subject": event.subject, "data": event.data}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def sign(event: CloudEvent, key: bytes) -> CloudEvent:
    digest = hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()
    return event.model_copy(update={SIGNATURE_ATTRIBUTE: digest})


def check(event: CloudEvent, key: bytes, now: datetime, max_age: timedelta,
          skew: timedelta = timedelta(0)) -> str | None:
    """None when the command is authentic and fresh; else why it must be refused.

    Fresh: signed no longer than ``max_age`` ago, and not later than ``now`` plus the clock
    ``skew`` allowed between two processes (a command from the future was forged or its
    sender's clock is wrong; either way it cannot be trusted to be fresh)."""
    given = (event.model_extra or {}).get(SIGNATURE_ATTRIBUTE)
    if not isinstance(given, str):
        return "unsigned command: refused"
    expected = hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given, expected):
        return "command signature does not match: altered or forged, refused"
    if now - event.time > max_age:
        return f"command older than {max_age}: stale or replayed, refused"
    if event.time - now > skew:
        return (f"command dated {event.time - now} ahead of this clock (allowed skew "
                f"{skew}): forged or a sender's clock is wrong, refused")
    return None
