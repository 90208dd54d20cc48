"""A small SMPP 3.4 SMSC on 127.0.0.1 for the tests, the bench and ``make demo``.

Real PDUs over TCP (parsed and built with smpplib's PDU classes): bind_transmitter /
receiver / transceiver, submit_sm → submit_sm_resp with a message id, deliver_sm delivery
receipts to a bound receiver, enquire_link, unbind. It can be told to throttle (answer
ESME_RTHROTTLED above ``throttle_tps``), to fail (ESME_RSYSERR), to be down (refuse
connections, drop binds), to never deliver (no receipt), or to report another receipt state
(UNDELIV, EXPIRED). It counts every submit_sm it accepted, per destination and text.
"""

from __future__ import annotations

import asyncio
import itertools
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import smpplib.consts as c
from smpplib import smpp

from services.delivery.encoding import decode


@dataclass(frozen=True)
class Submitted:
    destination: str
    source: str
    data_coding: int
    esm_class: int
    short_message: bytes
    message_id: str
    at: float

    @property
    def text(self) -> str:
        return decode(self.data_coding, self.esm_class, self.short_message)


@dataclass
class Behaviour:
    throttle_tps: float | None = None
    fail: bool = False
    deliver: bool = True
    receipt_state: str = "DELIVRD"
    receipt_delay_s: float = 0.05


@dataclass
class SmscSimulator:
    host: str = "127.0.0.1"
    port: int = 0
    behaviour: Behaviour = field(default_factory=Behaviour)

    def __post_init__(self) -> None:
        self.accepted: list[Submitted] = []
        self.received: Counter[str] = Counter()  # PDUs by command (bind_*, unbind, ...)
        self.throttled = 0
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._receivers: list[asyncio.StreamWriter] = []
        self._pending: list[tuple[str, str, str]] = []
        self._window: list[float] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="smsc-simulator")

    # -- control, from the test's thread ------------------------------------------------
    def start(self) -> SmscSimulator:
        self._thread.start()
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self.set_down(True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def set_down(self, down: bool) -> None:
        self._call(self._close() if down else self._listen())

    def submit_counts(self) -> Counter[tuple[str, str]]:
        """How many times each (destination, text of the part) was accepted."""
        with self._lock:
            return Counter((s.destination, s.text) for s in self.accepted)

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)  # type: ignore[arg-type]

    # -- the server ----------------------------------------------------------------------
    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, self.host, self.port,
                                                      reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()
        self._receivers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readexactly(4)
                (length,) = struct.unpack(">L", head)
                pdu = smpp.parse_pdu(head + await reader.readexactly(length - 4),
                                     client=_SEQUENCES, allow_unknown_opt_params=True)
                if not await self._answer(pdu, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            if writer in self._receivers:
                self._receivers.remove(writer)
            writer.close()

    async def _answer(self, pdu: object, writer: asyncio.StreamWriter) -> bool:
        command = pdu.command  # type: ignore[attr-defined]
        self.received[command] += 1
        if command.startswith("bind_"):
            self._send(writer, pdu, f"{command}_resp", system_id="dsr-sim")
            if command in ("bind_receiver", "bind_transceiver"):
                self._receivers.append(writer)
                self._flush_pending()
        elif command == "submit_sm":
            self._submit(pdu, writer)
        elif command == "enquire_link":
            self._send(writer, pdu, "enquire_link_resp")
        elif command == "unbind":
            self._send(writer, pdu, "unbind_resp")
            await writer.drain()
            return False
        return True

    def _submit(self, pdu: object, writer: asyncio.StreamWriter) -> None:
        b, now = self.behaviour, time.monotonic()
        if b.fail:
            self._send(writer, pdu, "submit_sm_resp", status=c.SMPP_ESME_RSYSERR,
                       message_id="")
            return
        self._window = [t for t in self._window if now - t < 1.0]
        if b.throttle_tps is not None and len(self._window) >= b.throttle_tps:
            self.throttled += 1
            self._send(writer, pdu, "submit_sm_resp", status=c.SMPP_ESME_RTHROTTLED,
                       message_id="")
            return
        self._window.append(now)
        message_id = f"{next(self._ids):010x}"
        p = pdu
        submitted = Submitted(_text(p.destination_addr), _text(p.source_addr),  # type: ignore[attr-defined]
                              int(p.data_coding or 0), int(p.esm_class or 0),  # type: ignore[attr-defined]
                              bytes(p.short_message or b""), message_id, now)  # type: ignore[attr-defined]
        with self._lock:
            self.accepted.append(submitted)
        self._send(writer, pdu, "submit_sm_resp", message_id=message_id)
        if b.deliver and int(p.registered_delivery or 0) & 1:  # type: ignore[attr-defined]
            self._loop.call_later(b.receipt_delay_s, self._receipt, submitted)

    def _receipt(self, submitted: Submitted) -> None:
        self._pending.append((submitted.message_id, submitted.destination, submitted.source))
        self._flush_pending()

    def _flush_pending(self) -> None:
        if not self._receivers:
            return
        writer, stamp = self._receivers[0], time.strftime("%y%m%d%H%M")
        state = self.behaviour.receipt_state
        for message_id, destination, source in self._pending:
            text = (f"id:{message_id} sub:001 dlvrd:{'001' if state == 'DELIVRD' else '000'} "
                    f"submit date:{stamp} done date:{stamp} stat:{state} err:000 text:")
            receipt = smpp.make_pdu("deliver_sm", client=_SEQUENCES, source_addr=destination,
                                    destination_addr=source, esm_class=0x04,
                                    short_message=text.encode())
            writer.write(receipt.generate())
        self._pending.clear()

    @staticmethod
    def _send(writer: asyncio.StreamWriter, request: object, command: str,
              status: int = c.SMPP_ESME_ROK, **values: object) -> None:
        response = smpp.make_pdu(command, client=_SEQUENCES, status=status, **values)
        response.sequence = request.sequence  # type: ignore[attr-defined]
        writer.write(response.generate())


class _Sequences:
    """What smpplib's PDU classes ask of their client: the next sequence number."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.sequence = 0

    def next_sequence(self) -> int:
        self.sequence = next(self._numbers)
        return self.sequence


_SEQUENCES = _Sequences()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")
