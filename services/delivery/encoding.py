"""An SMS as the SMSC takes it: GSM 03.38 (7-bit, one octet a character here) or UCS-2, and
concatenated parts with a user-data header when the text does not fit one SMS.

A part never splits a GSM escape sequence (``€``, ``[``, …) nor a UTF-16 surrogate pair. The
concatenation reference is derived from the notice id, so a retry that resubmits a part sends
exactly the bytes the first attempt sent and the handset still joins the parts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

GSM = "gsm03.38"
DATA_CODING_GSM = 0x00
DATA_CODING_UCS2 = 0x08
ESM_CLASS_UDHI = 0x40
SINGLE_OCTETS = 140  # the short_message of one SMS
PART_OCTETS = 134  # 140 minus the 6-octet concatenation header
ESCAPE = 0x1B


@dataclass(frozen=True)
class Encoded:
    data_coding: int
    esm_class: int
    parts: tuple[bytes, ...]


def encode(text: str, notice_id: str) -> Encoded:
    """The parts of ``text`` (GSM 03.38 when every character has a code, else UCS-2)."""
    try:
        octets, coding, single = text.encode(GSM), DATA_CODING_GSM, 160
    except UnicodeEncodeError:
        octets, coding, single = text.encode("utf-16-be"), DATA_CODING_UCS2, SINGLE_OCTETS
    if len(octets) <= single:
        return Encoded(coding, 0x00, (octets,))
    # Unpacked GSM: a concatenated part holds 153 septets; UCS-2: 134 octets (67 characters).
    size = 153 if coding == DATA_CODING_GSM else PART_OCTETS
    chunks = _split(octets, size, coding)
    if len(chunks) > 255:
        raise ValueError(f"a text of {len(text)} characters needs more than 255 SMS parts")
    reference = concatenation_reference(notice_id)
    return Encoded(coding, ESM_CLASS_UDHI, tuple(
        bytes((0x05, 0x00, 0x03, reference, len(chunks), number)) + chunk
        for number, chunk in enumerate(chunks, start=1)))


def concatenation_reference(notice_id: str) -> int:
    return hashlib.sha256(notice_id.encode()).digest()[0]


def decode(data_coding: int, esm_class: int, short_message: bytes) -> str:
    """The text of one part (the simulator and the tests read what was sent)."""
    if esm_class & ESM_CLASS_UDHI:
        short_message = short_message[short_message[0] + 1:]
    if data_coding == DATA_CODING_UCS2:
        return short_message.decode("utf-16-be")
    return short_message.decode(GSM)


def _split(octets: bytes, size: int, coding: int) -> list[bytes]:
    chunks, start = [], 0
    while start < len(octets):
        end = min(start + size, len(octets))
        if end < len(octets) and _cuts_a_character(octets, end, coding):
            end -= 1 if coding == DATA_CODING_GSM else 2
        chunks.append(octets[start:end])
        start = end
    return chunks


def _cuts_a_character(octets: bytes, end: int, coding: int) -> bool:
    if coding == DATA_CODING_GSM:
        return octets[end - 1] == ESCAPE and not _escaped(octets, end - 1)
    high = int.from_bytes(octets[end - 2:end], "big")
    return 0xD800 <= high <= 0xDBFF


def _escaped(octets: bytes, index: int) -> bool:
    """Whether the octet at ``index`` is itself the second half of an escape sequence."""
    run = 0
    while index - 1 - run >= 0 and octets[index - 1 - run] == ESCAPE:
        run += 1
    return run % 2 == 1
