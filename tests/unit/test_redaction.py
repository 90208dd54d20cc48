"""Log lines never carry personal data, even when an error message quotes some."""

import pytest

from services.runtime.redaction import redact, redact_text


@pytest.mark.parametrize(("text", "label"), [
    ("failed for +22370001001", "msisdn"),
    ("mail awa.konate@example.ml bounced", "email"),
    ("NINA 28803140100001C unknown", "nina"),
    ("IMEI 356938035643809 blocked", "imei"),
    ("session from 196.200.12.7", "ip"),
    ("RIB ML13 B012 3456 7890 1234 5678 90 refused", "iban"),
])
def test_personal_values_are_masked(text: str, label: str) -> None:
    masked = redact_text(text)
    assert f"[{label}]" in masked
    assert not any(ch.isdigit() for ch in masked.split(f"[{label}]")[0][-3:])


def test_references_and_timings_are_kept() -> None:
    event = {"event": "message.retry", "reason": "IntegrityError for DSR-2026-000123",
             "duration_ms": 12.5}
    assert redact(None, "info", event)["reason"] == "IntegrityError for DSR-2026-000123"
