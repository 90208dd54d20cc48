"""What becomes of an SMS that failed for good (pure): a letter, or the call centre."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.notification import DeliveryState, DeliveryUpdated, Medium, NotificationKind
from services.notification.gateways import fallback_letter_allowed, needs_fallback

K = NotificationKind


def update(state: DeliveryState, medium: Medium = Medium.SMS) -> DeliveryUpdated:
    return DeliveryUpdated(reference="DSR-2026-000001", notice_id="DSR-2026-000001/3",
                           kind=K.OUTCOME, medium=medium, state=state,
                           at=datetime(2026, 12, 1, tzinfo=UTC))


def test_only_an_sms_failed_or_expired_for_good_needs_another_way() -> None:
    assert needs_fallback(update(DeliveryState.FAILED))
    assert needs_fallback(update(DeliveryState.EXPIRED))
    assert not needs_fallback(update(DeliveryState.DELIVERED))
    assert not needs_fallback(update(DeliveryState.SENT))
    assert not needs_fallback(update(DeliveryState.FAILED, Medium.LETTER))


def test_a_letter_replaces_it_when_the_request_has_a_postal_address() -> None:
    assert fallback_letter_allowed(K.OUTCOME, "courrier:DSR-2026-000001")
    assert fallback_letter_allowed(K.WITHDRAWAL_CONFIRMED, "courrier:12 rue 310 / Bamako")


def test_the_call_centre_phones_when_there_is_none_or_it_is_the_package_code() -> None:
    assert not fallback_letter_allowed(K.ACKNOWLEDGEMENT, "7400:DSR-2026-000001")
    assert not fallback_letter_allowed(K.PACKAGE_CODE, "courrier:DSR-2026-000001")
