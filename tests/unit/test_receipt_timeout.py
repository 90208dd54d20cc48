"""An SMS whose delivery receipt never comes is not left "sent" for ever: after
DSR_SMS_RECEIPT_TIMEOUT_H it is expired, and its letter or the call centre's call follows.
This is also how a part left in doubt by a crash (never sent again) reaches the customer."""

from __future__ import annotations

from datetime import timedelta

from contracts.notification import DeliveryState, Medium
from services.delivery import channels, receipts
from services.delivery.ports import InDoubt
from services.delivery.repository import Ledger
from services.runtime.settings import Settings
from tests.support.gateways import FakeSmsc, NoWait, ledger_on, notice, published, tick


def _send_four(ledger: Ledger) -> None:
    """One SMS delivered, one never receipted, one with a part in doubt after a crash, and a
    letter in the print room."""
    smsc = FakeSmsc()
    for number in (1, 2):
        channels.send_sms(notice(notice_id=f"DSR-2026-000001/{number}"), ledger,
                          channels.SmsPorts(smsc, NoWait()))
    ledger.receipt(receipts.Receipt("id-1", DeliveryState.DELIVERED, "000"))
    doubtful = notice(notice_id="DSR-2026-000001/3")
    try:
        channels.send_sms(doubtful, ledger, channels.SmsPorts(FakeSmsc(in_doubt=1), NoWait()))
    except InDoubt:
        channels.send_sms(doubtful, ledger, channels.SmsPorts(FakeSmsc(), NoWait()))
    letter = notice(medium=Medium.LETTER, recipient="Awa Sangaré / Bamako",
                    notice_id="DSR-2026-000001/4")
    ledger.open(letter)
    ledger.sent(letter, "DSR-2026-000001_4.pdf")


def test_an_sms_without_its_receipt_expires_after_the_timeout(settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    _send_four(ledger)
    sent_at = app.clock.now()
    tick(app, settings, sent_at + timedelta(hours=47))
    before = len(published(app))
    tick(app, settings, sent_at + timedelta(hours=49))
    tick(app, settings, sent_at + timedelta(hours=50))  # already expired: told once
    expired = published(app)[before:]
    app.dispose()
    assert [(e["notice_id"], e["state"], e["reason"]) for e in expired] == [
        ("DSR-2026-000001/2", "expired", "no delivery receipt within 48 h"),
        ("DSR-2026-000001/3", "expired", "no delivery receipt within 48 h")]


def test_without_a_receipt_listener_nothing_expires(settings: Settings) -> None:
    settings = settings.model_copy(update={"smsc_receipts": False})
    app, ledger = ledger_on(settings)
    _send_four(ledger)
    before = len(published(app))
    tick(app, settings, app.clock.now() + timedelta(days=30))
    after = len(published(app))
    app.dispose()
    assert after == before
