"""A structlog processor that masks personal data in every log field, as a last line of defence.

Handlers never log payloads and the processor never logs a driver's exception text
(``errors.describe``); this catches what slips through anyway:

- the value of any field whose name says it holds personal data (``full_name``,
  ``address``, ``date_of_birth``, ``msisdn``…), at any depth of a logged structure;
- in free text: a database driver's ``[SQL: …]`` and ``[parameters: …]`` sections, quoted
  values, dates, postal addresses, people's names (two or more capitalised words), MSISDNs,
  NINA-like numbers, e-mail addresses, IBAN/RIB, IMEI and IP addresses, each replaced by a label.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

#: A capitalised word, as names are written (Keïta, N'Diaye, Maïga-Touré), not an acronym.
_CAPITALISED = r"(?:[A-ZÀ-ÖØ-Þ](?:['\u2019][A-ZÀ-ÖØ-Þ])?[a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)*)"
PATTERNS = [
    ("sql", re.compile(r"\[SQL: .*?\](?=\s*(?:\[|\(|$))", re.S)),
    ("parameters", re.compile(r"\[parameters: .*?\](?=\s*(?:\(|$))", re.S)),
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("quoted", re.compile(r"'[^'\n]{2,}'|\"[^\"\n]{2,}\"|«[^»\n]+»")),
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")),
    ("msisdn", re.compile(r"(?:\+|\b00)223[ ]?\d{8}\b")),
    ("ip", re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")),
    ("imei", re.compile(r"\b\d{15}\b")),
    ("nina", re.compile(r"\b\d{14}[A-Z]\b")),
    ("rib", re.compile(r"\b[A-Z]{0,2}\d{3}[ ]?\d{5}[ ]?\d{12}[ ]?\d{2}\b")),
    ("date", re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.+Z-]*)?\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")),
    ("address", re.compile(r"\b(?:rue|avenue|av\.|boulevard|bd|route|quartier|porte|lot|"
                           r"immeuble|villa|b\.?\s?p\.?)\s+[^,;\n\]\}]*(?:,\s*[^,;\n\]\}]+)?",
                           re.I)),
    ("name", re.compile(rf"\b{_CAPITALISED}(?:[ ]+{_CAPITALISED})+\b")),
]
#: Field names whose values are personal data whatever they look like.
PERSONAL_KEYS = re.compile(r"(name|surname|address|birth|msisdn|phone|email|nina|rccm|nif|"
                           r"imei|iban|rib|statement|document_number|holder|mandate|copy)",
                           re.I)
SAFE_KEYS = {"timestamp", "level", "event", "service", "message_type", "duration_ms",
             "attempt", "outcome", "published", "delay_ms", "request_reference", "event_id",
             "correlation_id", "trace_id", "queue", "worker"}


def redact_text(text: str) -> str:
    for label, pattern in PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text


def _redact_value(key: str, value: Any) -> Any:
    if PERSONAL_KEYS.search(key) and value not in (None, "", [], {}):
        return "[redacted]"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(key, item) for item in value]
    return value


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]
           ) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if key not in SAFE_KEYS:
            event[key] = _redact_value(key, value)
    return event
