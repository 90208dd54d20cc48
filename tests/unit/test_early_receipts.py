"""A delivery receipt that comes before its part's message id is recorded (an SMSC can report
within milliseconds of its submit_sm_resp) waits for the part and then counts: the customer's
notice is not left "sent" for two days and then sent again as a letter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from contracts.notification import DeliveryState
from services.bootstrap import App
from services.delivery.receipts import Receipt
from services.delivery.repository import Ledger
from services.delivery.tables import early_receipts
from services.runtime.settings import Settings
from tests.support.gateways import ledger_on, notice, published, tick


def kept(app: App) -> int:
    with app.engine("delivery").connect() as db:
        return int(db.execute(select(func.count()).select_from(early_receipts)).scalar_one())


def submit_one_part(ledger: Ledger, receipt_first: Receipt | None) -> None:
    """What ``channels.send_sms`` records for a one-part SMS, with a receipt coming in
    between the SMSC's answer and the record of its message id."""
    task = notice()
    ledger.open(task)
    ledger.submitting(task.notice_id, 1)
    if receipt_first is not None:
        ledger.receipt(receipt_first)
    ledger.submitted(task.notice_id, 1, "id-1")
    ledger.sent(task, "id-1")


def test_a_receipt_before_its_message_id_delivers_the_notice_once_sent(
        settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    submit_one_part(ledger, Receipt("id-1", DeliveryState.DELIVERED, "000"))
    events = published(app)
    waiting = kept(app)
    app.dispose()
    assert [(e["state"], e["reason"]) for e in events] == [("sent", None), ("delivered", None)]
    assert waiting == 0, "matched, then forgotten"


def test_an_early_receipt_of_failure_fails_the_notice_with_the_smsc_error(
        settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    submit_one_part(ledger, Receipt("id-1", DeliveryState.FAILED, "011"))
    events = published(app)
    app.dispose()
    assert [(e["state"], e["reason"]) for e in events] == [
        ("sent", None), ("failed", "SMSC receipt, error 011")]


def test_a_receipt_sent_again_by_the_smsc_counts_once(settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    delivered = Receipt("id-1", DeliveryState.DELIVERED, "000")
    ledger.receipt(delivered)  # before the submit: kept
    submit_one_part(ledger, delivered)  # again, still before the message id
    ledger.receipt(delivered)  # and once more after it
    events = published(app)
    waiting = kept(app)
    app.dispose()
    assert [e["state"] for e in events] == ["sent", "delivered"]
    assert waiting == 0


def test_a_receipt_no_part_ever_claims_is_forgotten_after_the_receipt_timeout(
        settings: Settings) -> None:
    """A part in doubt after a crash never gets its message id; its receipt, if the SMSC had
    it, is kept no longer than the notice would wait for it."""
    app, ledger = ledger_on(settings)
    ledger.receipt(Receipt("never-ours", DeliveryState.DELIVERED, "000"))
    received_at = app.clock.now()
    tick(app, settings, received_at + timedelta(hours=47))
    before_timeout = kept(app)
    tick(app, settings, received_at + timedelta(hours=49))
    after_timeout = kept(app)
    app.dispose()
    assert (before_timeout, after_timeout) == (1, 0)
