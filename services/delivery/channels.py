"""One plain function per channel: the notice, its ports, its ledger. No broker here.

A notice is sent at most once: the ledger knows it (``open``), and an SMS part is recorded as
submitting before its submit_sm goes out, so a worker killed between the SMSC's answer and the
commit does not send the part again on redelivery (it is taken as sent, its receipt unmatched;
see docs/decisions/0001). A part the SMSC refused is not recorded and goes again on a retry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from html import escape
from pathlib import Path

from contracts.notification import NoticeTask
from services.access_package.pdf import letter_pdf
from services.delivery import encoding
from services.delivery.ports import (
    GatewayRefused,
    GatewayUnavailable,
    InDoubt,
    MailGateway,
    Pace,
    PrintRoom,
    SmsGateway,
)
from services.delivery.repository import Ledger
from services.runtime.errors import Reject

MSISDN = re.compile(r"^\+?[0-9]{8,15}$")


@dataclass
class SmsPorts:
    gateway: SmsGateway
    pace: Pace


def send_sms(task: NoticeTask, ledger: Ledger, ports: SmsPorts) -> None:
    if not MSISDN.match(task.recipient):
        # addressing.py holds for the call centre anything not sure to be the subject's number
        raise Reject(f"{task.notice_id}: an SMS goes only to a verified MSISDN")
    if not ledger.open(task):
        return
    encoded = encoding.encode(task.body, task.notice_id)
    known = ledger.parts(task.notice_id)
    ids: list[str] = []
    for number, part in enumerate(encoded.parts, start=1):
        if number in known:
            ids.append(known[number] or "")
            continue
        ids.append(_submit_part(task, ledger, ports, number, part, encoded))
    doubt = "" in ids
    ledger.sent(task, next((i for i in ids if i), None),
                "a part was in doubt after a crash: not sent again" if doubt else None)


def _submit_part(task: NoticeTask, ledger: Ledger, ports: SmsPorts, number: int, part: bytes,
                 encoded: encoding.Encoded) -> str:
    # the slot and the bind before the mark: a crash must find a marked part on its way to the
    # SMSC, not one still waiting for its turn or for a bind
    ports.pace.acquire()
    ports.gateway.ready()
    ledger.submitting(task.notice_id, number)
    try:
        message_id = ports.gateway.submit(task.recipient.lstrip("+"), part,
                                          data_coding=encoded.data_coding,
                                          esm_class=encoded.esm_class)
    except InDoubt:
        raise  # the part stays "submitting": a retry will not send it again
    except (GatewayUnavailable, GatewayRefused):
        ledger.not_submitted(task.notice_id, number)
        raise
    ledger.submitted(task.notice_id, number, message_id)
    return message_id


@dataclass
class MailPorts:
    gateway: MailGateway
    pace: Pace
    sender: str
    data_dir: Path


def send_email(task: NoticeTask, ledger: Ledger, ports: MailPorts) -> None:
    if "@" not in task.recipient:
        raise Reject(f"{task.notice_id}: {task.recipient!r} is not an e-mail address")
    if not ledger.open(task):
        return
    message = email_of(task, ports.sender, ports.data_dir)
    ports.pace.acquire()
    ports.gateway.send(message)
    ledger.sent(task, message["Message-ID"])


def email_of(task: NoticeTask, sender: str, data_dir: Path) -> EmailMessage:
    """French plain text and the same as HTML; the notice's PDF attached when it has one.
    The Message-ID derives from the notice id, so a relay can drop a re-sent copy."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = task.recipient
    message["Subject"] = task.subject or f"Votre demande {task.reference}"
    message["Message-ID"] = make_msgid(idstring=task.notice_id.replace("/", "."),
                                       domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(task.body)
    paragraphs = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>"
                         for p in task.body.split("\n\n"))
    message.add_alternative(f'<html lang="fr"><body>{paragraphs}</body></html>', subtype="html")
    if task.document:
        pdf = (data_dir / task.document).read_bytes()
        message.add_attachment(pdf, maintype="application", subtype="pdf",
                               filename=Path(task.document).name)
    return message


def send_letter(task: NoticeTask, ledger: Ledger, room: PrintRoom, data_dir: Path) -> None:
    """The notice's PDF (printed from its text when the notification worker made none)."""
    if not ledger.open(task):
        return
    if task.document:
        pdf = (data_dir / task.document).read_bytes()
    else:
        pdf = letter_pdf(task.body, f"Orange Mali - {task.reference}")
    address = task.recipient.replace("\t", " ").replace("\n", " / ")
    name = room.drop(task.notice_id, pdf,
                     "\t".join((task.notice_id, task.reference, task.kind.value, address)))
    ledger.sent(task, name)


__all__ = ["GatewayRefused", "GatewayUnavailable", "MailPorts", "SmsPorts", "send_email",
           "send_letter", "send_sms"]
