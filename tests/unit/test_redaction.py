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


ADDRESS = "Rue 308, Porte 45, Badalabougou"
DRIVER_TEXT = ("(sqlite3.IntegrityError) NOT NULL constraint failed: customers.full_name\n"
               "[SQL: UPDATE customers SET full_name=?, address=? WHERE code=?]\n"
               f"[parameters: (None, '{ADDRESS}', 'CM-100003')]\n"
               "(Background on this error at: https://sqlalche.me/e/20/gkpj)")


@pytest.mark.parametrize(("text", "secret"), [
    (DRIVER_TEXT, ADDRESS),
    ("holder is Fatoumata Coulibaly", "Fatoumata Coulibaly"),
    ("Aïssata N'Diaye-Touré did not match", "Aïssata"),
    ("born 1995-06-21 per the document", "1995-06-21"),
    ("born 21/06/1995", "21/06/1995"),
    ("moved to Quartier Hamdallaye, Bamako", "Hamdallaye"),
])
def test_names_addresses_and_dates_of_birth_are_masked(text: str, secret: str) -> None:
    assert secret not in redact_text(text)


def test_fields_named_for_personal_data_are_masked_at_any_depth() -> None:
    event = {"event": "x", "claim": {"full_name": "Awa", "date_of_birth": "1990-01-01",
                                     "contacts": [{"address": "somewhere"}]}}
    redacted = redact(None, "info", event)["claim"]
    assert redacted == {"full_name": "[redacted]", "date_of_birth": "[redacted]",
                        "contacts": [{"address": "[redacted]"}]}


def test_a_project_written_reason_reads_as_written() -> None:
    reason = "failed 5 times, last: RetryLater: the cdr store did not answer discovery"
    assert redact_text(reason) == reason
