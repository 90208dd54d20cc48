"""SMS segmentation: GSM 03.38 text fits 160 characters a part, anything else 70."""

from __future__ import annotations

import math

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")


def sms_parts(text: str) -> int:
    """How many SMS parts ``text`` needs (concatenated parts carry a 7-byte header)."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in text):
        units = len(text) + sum(c in GSM_EXTENDED for c in text)
        single, multi = 160, 153
    else:
        units = len(text.encode("utf-16-be")) // 2
        single, multi = 70, 67
    return 1 if units <= single else math.ceil(units / multi)
