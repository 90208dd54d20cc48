"""Strings of the contract: each has a maximum length and a character policy.

A line holds no control character (NUL, CR, LF, ESC…), no lone surrogate and no bidirectional
override; a paragraph may also hold line breaks and tabs. The lengths follow the columns the
stores keep the value in (``services/*/tables.py``), so that what intake accepts never fails
late in a store.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

#: Unicode categories refused in every string: controls and surrogates.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})
#: Bidirectional embeddings, overrides and isolates: they make text read otherwise than stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PARAGRAPH_ALLOWS = frozenset("\n\r\t")


def _refuse_controls(value: str, allowed: frozenset[str]) -> str:
    for position, char in enumerate(value):
        if char in allowed:
            continue
        if char in _BIDI_CONTROLS or unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise ValueError(f"must not contain control characters (U+{ord(char):04X} at "
                             f"position {position})")
    return value


def _line(value: str) -> str:
    return _refuse_controls(value, frozenset())


def _paragraph(value: str) -> str:
    return _refuse_controls(value, _PARAGRAPH_ALLOWS)


Line = Annotated[str, AfterValidator(_line)]
"""One line of text: no control characters at all. Give it a length where it is used."""
Paragraph = Annotated[str, AfterValidator(_paragraph)]
"""Free text: line breaks and tabs allowed, no other control characters."""

PersonName = Annotated[Line, StringConstraints(min_length=2, max_length=200)]
"""A person's or company's full name (CRM ``customers.full_name``, 200)."""
OperatorName = Annotated[Line, StringConstraints(min_length=1, max_length=80)]
"""The staff member who decides (a reviewer, who asks for a lift)."""
Reason = Annotated[Paragraph, StringConstraints(min_length=3, max_length=500)]
"""A person's reason for a decision (kept with the request, 500)."""
Statement = Annotated[Paragraph, StringConstraints(max_length=2000)]
"""The customer's own words."""
ChannelReference = Annotated[Line, StringConstraints(min_length=1, max_length=120)]
"""The submitting channel's own reference (intake ``requests.channel_reference``, 120)."""
EventText = Annotated[Line, StringConstraints(min_length=1, max_length=200)]
"""An envelope attribute: id, source, subject."""
CommandId = Annotated[Line, StringConstraints(min_length=1, max_length=100)]
"""A store command's id (``REF:r<run>:<action>:<store>``)."""
CustomerCode = Annotated[str, StringConstraints(max_length=40,
                                                pattern=r"^[A-Za-z0-9][A-Za-z0-9._/\-]*$")]
"""The operator's customer code, e.g. CM-100001 (CRM ``customers.customer_code``, 40)."""
Nina = Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")]
"""A NINA (national identification number): letters and digits, spaces or hyphens as
written on the card (CRM ``customers.nina``, 40)."""
DocumentNumber = Annotated[str, StringConstraints(
    min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./\-]*$")]
"""The number printed on an identity document."""
Mrz = Annotated[str, StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9< \r\n]+$")]
"""A passport's machine-readable zone (ICAO 9303 characters, lines as scanned)."""
Sha256 = Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9a-f]{64}$")]
AddressLine = Annotated[Line, StringConstraints(min_length=1, max_length=80)]

MAX_CORRECTION_CHARS = 300
CorrectionValue = Annotated[Line, StringConstraints(min_length=1,
                                                    max_length=MAX_CORRECTION_CHARS)]
"""The new value of one rectified field; the longest column a correction lands in is 300
(CRM ``contact_points.value``, billing ``accounts.billing_address``)."""

#: Fields whose store column is shorter than a correction may be, with that column's size
#: (``contracts.corrections.Corrections`` bounds each of them so).
CORRECTION_MAX_LENGTHS: dict[str, int] = {
    "full_name": 200, "given_names": 120, "surname": 120, "nina": 40, "rccm": 40, "nif": 40,
    "profession": 120, "date_of_birth": 10, "place_of_birth": 120, "gender": 1,
    "nationality": 60,
}


MAX_DOCUMENT_BYTES = 2_000_000
Base64Copy = Annotated[str, StringConstraints(max_length=MAX_DOCUMENT_BYTES * 4 // 3 + 4,
                                              pattern=r"^[A-Za-z0-9+/]*={0,2}$")]
"""A scanned copy, base64 without line breaks (intake decodes it strictly)."""


_EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
MAX_EXTENSION_CHARS = 1000


def extension_problem(name: str, value: object) -> str | None:
    """What is wrong with a CloudEvents extension attribute, or None."""
    if not _EXTENSION_NAME.match(name):
        return "must be named with 1 to 20 lowercase letters or digits"
    if isinstance(value, bool | int):
        return None
    if not isinstance(value, str):
        return "must be a string, a boolean or an integer"
    if len(value) > MAX_EXTENSION_CHARS:
        return f"must be at most {MAX_EXTENSION_CHARS} characters"
    try:
        _line(value)
    except ValueError as exc:
        return str(exc)
    return None
