"""What the channels need from the outside world: an SMSC, an SMTP relay, a print room.

Adapters: ``smpp.SmppGateway``, ``smtp.SmtpGateway``, ``print_room.PrintRoomFolder``; the unit
tier hands the channels fakes.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class GatewayUnavailable(Exception):
    """The gateway cannot take the notice now (down, throttling past our patience): retry."""


class GatewayRefused(Exception):
    """The gateway refused the notice for good (a bad number, a permanent error)."""


class InDoubt(GatewayUnavailable):
    """The connection broke after the notice was handed over and before the gateway answered."""


class SmsGateway(Protocol):
    def ready(self) -> None:
        """Be able to submit at once (bound); ``GatewayUnavailable`` if it cannot be now."""
        ...

    def submit(self, destination: str, short_message: bytes, *, data_coding: int,
               esm_class: int) -> str:
        """Submit one part; return the SMSC's message id."""
        ...


class MailGateway(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class PrintRoom(Protocol):
    def drop(self, notice_id: str, pdf: bytes, manifest_line: str) -> str:
        """Leave the letter for printing (idempotent by notice id); return its file name."""
        ...


class Pace(Protocol):
    def acquire(self) -> None:
        """Wait for the gateway's next free slot (its contracted throughput)."""
        ...
