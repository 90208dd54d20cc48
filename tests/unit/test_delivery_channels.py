"""The channels over fake gateways: each notice leaves once, in the right encoding."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from contracts.notification import DeliveryState, Medium
from services.delivery import channels, encoding, receipts
from services.delivery.ports import GatewayUnavailable, InDoubt
from services.delivery.print_room import MANIFEST, PrintRoomFolder
from services.delivery.throttle import Pace
from services.notification.sms import sms_parts
from services.runtime.errors import Reject
from services.runtime.settings import Settings
from tests.support.gateways import (
    FakeRelay,
    FakeSmsc,
    NoWait,
    ledger_on,
    notice,
    published,
    write_pdf,
)

LONG_FRENCH = ("Votre demande DSR-2026-000001 est traitée : vos données de contact ont été "
               "rectifiées dans le fichier clients et la facturation. Pour toute question, "
               "appelez le 7400 ou écrivez à Orange Mali, service données personnelles.")


def joined(parts: tuple[bytes, ...], coding: int, esm: int) -> str:
    return "".join(encoding.decode(coding, esm, p) for p in parts)


def test_a_french_text_in_gsm_is_split_into_parts_the_handset_joins() -> None:
    encoded = encoding.encode(LONG_FRENCH, "N/1")
    assert encoded.data_coding == encoding.DATA_CODING_GSM
    assert len(encoded.parts) == sms_parts(LONG_FRENCH) == 2
    assert joined(encoded.parts, encoded.data_coding, encoded.esm_class) == LONG_FRENCH
    headers = {p[:5] for p in encoded.parts}
    assert len(headers) == 1, "every part carries the same reference and count"
    assert [p[5] for p in encoded.parts] == [1, 2]


def test_a_short_text_is_one_part_without_header() -> None:
    encoded = encoding.encode("Votre code : K7M2-9QXD", "N/2")
    assert encoded.parts == ("Votre code : K7M2-9QXD".encode("gsm03.38"),)
    assert encoded.esm_class == 0


def test_a_part_never_splits_the_euro_sign_nor_a_surrogate_pair() -> None:
    text = "a" * 152 + "€" + "b" * 20
    parts = encoding.encode(text, "N/3").parts
    assert joined(parts, 0, encoding.ESM_CLASS_UDHI) == text
    emoji = "x" * 66 + "🙂" + "y" * 10  # UCS-2: the surrogate pair would straddle part 1
    encoded = encoding.encode(emoji, "N/3")
    assert encoded.data_coding == encoding.DATA_CODING_UCS2
    assert joined(encoded.parts, encoded.data_coding, encoded.esm_class) == emoji


def test_a_text_outside_gsm_goes_in_ucs2() -> None:
    encoded = encoding.encode("Ɲɛ Bamanankan ŋ", "N/4")
    assert encoded.data_coding == encoding.DATA_CODING_UCS2
    assert encoded.parts[0].decode("utf-16-be") == "Ɲɛ Bamanankan ŋ"


def test_receipts_are_read_and_combined_per_notice() -> None:
    text = b"id:00ab sub:001 dlvrd:001 submit date:2612070101 done date:2612070102 stat:DELIVRD"
    receipt = receipts.parse(0x04, text + b" err:000 text:")
    assert receipt == receipts.Receipt("00ab", DeliveryState.DELIVERED, "000")
    assert receipts.parse(0x00, text) is None, "a mobile-originated SMS is not a receipt"
    S = DeliveryState
    assert receipts.combined([S.DELIVERED, None]) is None
    assert receipts.combined([S.DELIVERED, S.EXPIRED]) is S.EXPIRED
    assert receipts.combined([S.DELIVERED, S.DELIVERED]) is S.DELIVERED


def test_an_sms_is_sent_once_and_its_state_published(settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    smsc, task = FakeSmsc(), notice(LONG_FRENCH)
    channels.send_sms(task, ledger, channels.SmsPorts(smsc, NoWait()))
    channels.send_sms(task, ledger, channels.SmsPorts(smsc, NoWait()))  # redelivered
    assert [d for d, _ in smsc.accepted] == ["22370000001", "22370000001"]
    events = published(app)
    assert [(e["state"], e["gateway_id"]) for e in events] == [("sent", "id-1")]


def test_a_retry_after_an_outage_resumes_at_the_part_not_sent(settings: Settings) -> None:
    _, ledger = ledger_on(settings)
    smsc, task = SecondSubmitDown(), notice(LONG_FRENCH)
    ports = channels.SmsPorts(smsc, NoWait())
    with pytest.raises(GatewayUnavailable):
        channels.send_sms(task, ledger, ports)
    channels.send_sms(task, ledger, ports)  # dramatiq's retry
    assert [m[5] for _, m in smsc.accepted] == [1, 2], "part 1 once, part 2 after the outage"


class SecondSubmitDown(FakeSmsc):
    """Down once, when the second part comes."""

    calls = 0

    def submit(self, destination: str, short_message: bytes, *, data_coding: int,
               esm_class: int) -> str:
        self.calls += 1
        if self.calls == 2:
            raise GatewayUnavailable("SMSC down")
        return super().submit(destination, short_message, data_coding=data_coding,
                              esm_class=esm_class)


def test_a_part_in_doubt_is_not_sent_twice(settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    smsc, task = FakeSmsc(in_doubt=1), notice("Bonjour")
    ports = channels.SmsPorts(smsc, NoWait())
    with pytest.raises(InDoubt):
        channels.send_sms(task, ledger, ports)
    channels.send_sms(task, ledger, ports)
    assert len(smsc.accepted) == 1
    assert published(app)[-1]["state"] == "sent"


class Killed(BaseException):
    """The worker process dies here (SIGKILL): nothing after it runs."""


def test_a_worker_dying_while_it_binds_leaves_no_part_in_doubt(settings: Settings) -> None:
    """After a restart each thread binds again; dying then must not leave the part marked as
    submitting (in doubt, never sent again) when it never reached the SMSC."""
    _, ledger = ledger_on(settings)
    smsc, task = FakeSmsc(unbindable=[GatewayUnavailable("bind refused"), Killed()]), notice()
    ports = channels.SmsPorts(smsc, NoWait())
    with pytest.raises(GatewayUnavailable):
        channels.send_sms(task, ledger, ports)
    with pytest.raises(Killed):
        channels.send_sms(task, ledger, ports)
    assert ledger.parts(task.notice_id) == {}
    channels.send_sms(task, ledger, ports)  # redelivered to the restarted worker
    assert len(smsc.accepted) == 1
    assert ledger.parts(task.notice_id) == {1: "id-1"}


def test_nothing_goes_to_a_number_held_for_the_call_centre(settings: Settings) -> None:
    _, ledger = ledger_on(settings)
    smsc = FakeSmsc()
    with pytest.raises(Reject, match="verified MSISDN"):
        channels.send_sms(notice(recipient="7400:DSR-2026-000001"), ledger,
                          channels.SmsPorts(smsc, NoWait()))
    assert smsc.accepted == []


def test_an_email_has_french_text_html_and_the_letter_attached(settings: Settings) -> None:
    _, ledger = ledger_on(settings)
    relay = FakeRelay()
    pdf = write_pdf(settings.data_dir)
    task = notice("Bonjour,\n\nVos données ont été rectifiées.", Medium.EMAIL,
                  "partenaires@orangemali.example", document=pdf)
    ports = channels.MailPorts(relay, NoWait(), "dpo@orangemali.example", settings.data_dir)
    channels.send_email(task, ledger, ports)
    channels.send_email(task, ledger, ports)
    (message,) = relay.sent
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and "rectifiées" in plain.get_content()
    assert html is not None and "<p>Vos données ont été rectifiées.</p>" in html.get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_a_letter_is_dropped_whole_with_one_manifest_line(settings: Settings,
                                                          tmp_path: Path) -> None:
    _, ledger = ledger_on(settings)
    room_dir = tmp_path / "print-room"
    room = PrintRoomFolder(room_dir)
    pdf = write_pdf(settings.data_dir)
    task = notice("Lettre", Medium.LETTER, "DSR-2026-000001", document=pdf)
    channels.send_letter(task, ledger, room, settings.data_dir)
    room.drop(task.notice_id, b"again", "again")  # a redelivery after a crash
    files = sorted(p.name for p in room_dir.iterdir())
    assert files == ["DSR-2026-000001_1.pdf", MANIFEST]
    assert (room_dir / "DSR-2026-000001_1.pdf").read_bytes().startswith(b"%PDF")
    lines = (room_dir / MANIFEST).read_text().splitlines()
    assert lines == ["DSR-2026-000001/1\tDSR-2026-000001\toutcome\tDSR-2026-000001"]
    assert ledger.confirmed("DSR-2026-000001/1", "mailroom.b")
    assert not ledger.confirmed("DSR-2026-000001/1", "mailroom.b"), "confirmed once"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.starts: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def paced(pace: Pace, clock: FakeTime, count: int, work_s: float = 0.0) -> list[float]:
    for _ in range(count):
        pace.acquire()
        clock.starts.append(clock.now)
        clock.now += work_s
    return clock.starts


def busiest(starts: list[float], window: float) -> int:
    return max(sum(1 for t in starts if s <= t < s + window) for s in starts)


def test_the_pace_holds_the_contracted_rate_without_bursts() -> None:
    clock = FakeTime()
    pace = Pace(50, 1.0, clock=lambda: clock.now, sleep=clock.sleep)
    starts = paced(pace, clock, 500)
    assert busiest(starts, 1.0) <= 50
    assert (len(starts) - 1) / (starts[-1] - starts[0]) == pytest.approx(50, rel=0.05)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.016 - 1e-9, "never two sends closer than 80 % of the interval"


def test_a_pause_is_caught_up_within_the_window() -> None:
    clock = FakeTime()
    pace = Pace(50, 1.0, clock=lambda: clock.now, sleep=clock.sleep)
    paced(pace, clock, 20)
    clock.now += 0.3  # every thread busy elsewhere
    starts = paced(pace, clock, 480)
    assert busiest(starts, 1.0) <= 50
    assert (len(starts) - 1) / (starts[-1] - starts[0]) == pytest.approx(50, rel=0.05)


def test_a_relay_limit_per_minute_is_held() -> None:
    clock = FakeTime()
    pace = Pace(120, 60.0, clock=lambda: clock.now, sleep=clock.sleep)
    starts = paced(pace, clock, 360)
    assert busiest(starts, 60.0) <= 120


def test_a_receipt_that_overtakes_the_record_of_sending_still_counts(settings: Settings) -> None:
    app, ledger = ledger_on(settings)
    task = notice("Bonjour")
    ledger.open(task)
    ledger.submitting(task.notice_id, 1)
    ledger.submitted(task.notice_id, 1, "m-1")
    ledger.receipt(receipts.Receipt("m-1", DeliveryState.DELIVERED, "000"))
    ledger.sent(task, "m-1")
    assert [e["state"] for e in published(app)] == ["sent", "delivered"]
