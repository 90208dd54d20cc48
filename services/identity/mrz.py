"""ICAO 9303 machine-readable zone of a passport (TD3: two lines of 44 characters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 3, 1)


def _value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"character {char!r} is not allowed in an MRZ")


def check_digit(field: str) -> int:
    return sum(_value(c) * WEIGHTS[i % 3] for i, c in enumerate(field)) % 10


@dataclass(frozen=True)
class PassportMrz:
    number: str
    nationality: str
    birth: str
    expiry: str
    digits_valid: bool

    def birth_date(self, century_pivot: int) -> date | None:
        return _yymmdd(self.birth, century_pivot)

    def expiry_date(self) -> date | None:
        return _yymmdd(self.expiry, 0)


def parse_td3(mrz: str) -> PassportMrz | None:
    """Parse the two TD3 lines (given joined or separated by a newline); None if malformed."""
    text = mrz.replace("\n", "").replace(" ", "").upper()
    if len(text) != 88:
        return None
    line = text[44:]
    try:
        valid = all([
            check_digit(line[0:9]) == int(line[9]),
            check_digit(line[13:19]) == int(line[19]),
            check_digit(line[21:27]) == int(line[27]),
            check_digit(line[28:42]) == int(line[42] if line[42] != "<" else "0"),
            check_digit(line[0:10] + line[13:20] + line[21:43]) == int(line[43]),
        ])
    except ValueError:
        return None
    return PassportMrz(line[0:9].rstrip("<"), line[10:13], line[13:19], line[21:27], valid)


def _yymmdd(text: str, century_pivot: int) -> date | None:
    """Dates after ``century_pivot`` (a two-digit year) are read as 19xx."""
    try:
        yy, mm, dd = int(text[0:2]), int(text[2:4]), int(text[4:6])
        century = 1900 if century_pivot and yy > century_pivot else 2000
        return date(century + yy, mm, dd)
    except ValueError:
        return None
