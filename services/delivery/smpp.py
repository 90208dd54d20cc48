"""The SMSC over SMPP 3.4 (smpplib): submit_sm on a transmitter bind, receipts on a receiver.

Each thread has its own bind (an smpplib client is not thread-safe); a broken bind is dropped
and opened again on the next submit. ESME_RTHROTTLED pauses and submits again, a few times,
before the task is retried with dramatiq's backoff.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import smpplib.client
import smpplib.consts as c
import smpplib.exceptions
import structlog
from smpplib import smpp

from services.delivery import receipts
from services.delivery.ports import GatewayRefused, GatewayUnavailable, InDoubt
from services.runtime.settings import Settings

log = structlog.get_logger()
RETRY_LATER = {c.SMPP_ESME_RSYSERR, c.SMPP_ESME_RMSGQFUL, c.SMPP_ESME_RTHROTTLED,
               c.SMPP_ESME_RSUBMITFAIL}
THROTTLED_TRIES = 5
TON_NETWORK_SPECIFIC, TON_INTERNATIONAL, NPI_ISDN = 3, 1, 1
UNREACHABLE = (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError)


def _client(settings: Settings, mode: str) -> Any:
    client = smpplib.client.Client(settings.smsc_host, settings.smsc_port, timeout=10,
                                   allow_unknown_opt_params=True)
    try:
        client.connect()
        getattr(client, f"bind_{mode}")(system_id=settings.smsc_system_id,
                                        password=settings.smsc_secret())
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: Any) -> None:
    """Close a client's socket whatever its state. smpplib's ``disconnect`` warns unless the
    bind was undone first, and a client whose connect or bind failed keeps its socket and warns
    again when collected: noise in the logs for what the worker already reports."""
    sock, client._socket = client._socket, None
    if sock is not None:
        sock.close()
    client.state = c.SMPP_CLIENT_STATE_CLOSED


class SmppGateway:
    def __init__(self, settings: Settings, sleep: Callable[[float], None] = time.sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        self._local = threading.local()
        self._binds: set[Any] = set()
        self._lock = threading.Lock()

    def ready(self) -> None:
        """Bind this thread now, so that a part marked submitting goes out at once."""
        try:
            self._bound()
        except UNREACHABLE as e:
            self._drop()
            raise GatewayUnavailable(f"SMSC unreachable: {e!r}") from e

    def submit(self, destination: str, short_message: bytes, *, data_coding: int,
               esm_class: int) -> str:
        for _ in range(THROTTLED_TRIES):
            status, message_id = self._submit_once(destination, short_message,
                                                   data_coding, esm_class)
            if status == c.SMPP_ESME_ROK:
                return message_id
            if status != c.SMPP_ESME_RTHROTTLED:
                break
            self._sleep(self._settings.smsc_throttle_wait_s)
        why = f"SMSC answered {c.DESCRIPTIONS.get(status, hex(status))} ({status:#x})"
        raise (GatewayUnavailable if status in RETRY_LATER else GatewayRefused)(why)

    def _submit_once(self, destination: str, short_message: bytes, data_coding: int,
                     esm_class: int) -> tuple[int, str]:
        try:
            client = self._bound()
            pdu = client.send_message(
                source_addr_ton=TON_NETWORK_SPECIFIC, source_addr_npi=0,
                source_addr=self._settings.smsc_sender, dest_addr_ton=TON_INTERNATIONAL,
                dest_addr_npi=NPI_ISDN, destination_addr=destination,
                short_message=short_message, data_coding=data_coding, esm_class=esm_class,
                registered_delivery=1 if self._settings.smsc_receipts else 0)
        except UNREACHABLE as e:
            self._drop()
            raise GatewayUnavailable(f"SMSC unreachable: {e!r}") from e
        try:
            return self._answer(client, pdu.sequence)
        except UNREACHABLE as e:
            self._drop()
            raise InDoubt(f"SMSC connection lost awaiting submit_sm_resp: {e!r}") from e

    def _answer(self, client: Any, sequence: int) -> tuple[int, str]:
        while True:
            pdu = client.read_pdu()
            if pdu.command == "submit_sm_resp" and pdu.sequence == sequence:
                message_id = pdu.message_id or b""
                return int(pdu.status), message_id.decode() if isinstance(
                    message_id, bytes) else str(message_id)
            if pdu.command == "enquire_link":
                client._enquire_link_received(pdu)
            elif pdu.command == "unbind":
                raise smpplib.exceptions.ConnectionError("SMSC unbound")

    def _bound(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is not None and not _alive(client):
            self._drop()
            client = None
        if client is None:
            client = _client(self._settings, "transmitter")
            self._local.client = client
            with self._lock:
                self._binds.add(client)
        return client

    def _drop(self) -> None:
        client = getattr(self._local, "client", None)
        self._local.client = None
        if client is not None:
            _disconnect(client, self._binds, self._lock)

    def close(self) -> None:
        """Unbind every thread's bind (the worker has stopped)."""
        with self._lock:
            binds = list(self._binds)
        for client in binds:
            with contextlib.suppress(Exception):
                client.unbind()
            _disconnect(client, self._binds, self._lock)


def _disconnect(client: Any, binds: set[Any], lock: threading.Lock) -> None:
    with lock:
        binds.discard(client)
    _close(client)


def _alive(client: Any) -> bool:
    """Whether a bind the SMSC may have closed meanwhile still stands: an SMSC that went
    away leaves a socket that takes our submit_sm and never answers (we would be in doubt)."""
    sock = client._socket
    while sock is not None and select.select([sock], [], [], 0)[0]:
        try:
            if not sock.recv(1, socket.MSG_PEEK):
                return False
            pdu = client.read_pdu()
        except UNREACHABLE:
            return False
        if pdu.command == "enquire_link":
            client._enquire_link_received(pdu)
        elif pdu.command == "unbind":
            return False
    return sock is not None


class ReceiptListener:
    """A receiver bind that hands every deliver_sm receipt to ``on_receipt``; binds again when
    the SMSC goes away, and unbinds when stopped (seen within ``POLL_S``)."""

    POLL_S = 0.5
    KEEPALIVE_S = 10.0  # an enquire_link after this long without a PDU
    STOP_WAIT_S = 15.0  # a receipt being recorded, then the SMSC's unbind_resp

    def __init__(self, settings: Settings,
                 on_receipt: Callable[[receipts.Receipt], None]) -> None:
        self._settings = settings
        self._on_receipt = on_receipt
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smpp-receipts", daemon=True)
        self.bound = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(self.STOP_WAIT_S)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client = _client(self._settings, "receiver")
            except UNREACHABLE as e:
                self._lost(e)
                continue
            try:
                self._listen(client)
            except Exception as e:  # the SMSC went away, or a receipt could not be recorded
                self._lost(e)  # (not acknowledged: the SMSC delivers it again)
            finally:
                self.bound.clear()
                _close(client)

    def _listen(self, client: Any) -> None:
        client.set_message_received_handler(self._received)
        self.bound.set()
        quiet_since = time.monotonic()
        while not self._stop.is_set():
            if select.select([client._socket], [], [], self.POLL_S)[0]:
                client.read_once()
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= self.KEEPALIVE_S:
                client.send_pdu(smpp.make_pdu("enquire_link", client=client))
                quiet_since = time.monotonic()
        _unbind(client)

    def _lost(self, error: Exception) -> None:
        if not self._stop.is_set():
            log.warning("smpp.receiver_lost", error=repr(error)[:200])
            self._stop.wait(1.0)

    def _received(self, pdu: Any) -> int:
        receipt = receipts.parse(int(pdu.esm_class or 0), pdu.short_message or b"")
        if receipt is not None:
            self._on_receipt(receipt)  # committed before deliver_sm_resp: nothing lost
        return int(c.SMPP_ESME_ROK)


def _unbind(client: Any) -> None:
    """Unbind, acknowledging the receipts that come before the SMSC's unbind_resp."""
    client.send_pdu(smpp.make_pdu("unbind", client=client))
    while (pdu := client.read_pdu()).command != "unbind_resp":
        if pdu.command == "deliver_sm":
            client._message_received(pdu)
