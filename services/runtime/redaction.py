"""A structlog processor that masks personal data in every log field, as a last line of defence.

Handlers never log payloads; this catches what slips through anyway (an exception message
quoting a value, say): MSISDNs, NINA-like numbers, e-mail addresses, IBAN/RIB, IMEI and IP
addresses are replaced by a label.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

PATTERNS = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")),
    ("msisdn", re.compile(r"(?:\+|\b00)223[ ]?\d{8}\b")),
    ("ip", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    ("imei", re.compile(r"\b\d{15}\b")),
    ("nina", re.compile(r"\b\d{14}[A-Z]\b")),
    ("rib", re.compile(r"\b[A-Z]{0,2}\d{3}[ ]?\d{5}[ ]?\d{12}[ ]?\d{2}\b")),
]
SAFE_KEYS = {"timestamp", "level", "event", "service", "message_type", "duration_ms",
             "attempt", "outcome", "published", "delay_ms", "request_reference"}


def redact_text(text: str) -> str:
    for label, pattern in PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]
           ) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if key not in SAFE_KEYS and isinstance(value, str):
            event[key] = redact_text(value)
    return event
