"""Times of the contract: RFC 3339 strings with a timezone, never a number.

A number in a time field would be read as a Unix timestamp (a request "received" in 1970);
a time without a zone is ambiguous. A receipt time may also not lie in the future beyond the
clock skew the reader allows: the processor passes its clock in the validation context
(``receipt_context``); without a context (a model built in code) that check is skipped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, ValidationInfo

_RFC3339_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$")
_RFC3339_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NOW = "now"
_SKEW = "clock_skew"


def _time_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339_TIME.match(value):
        raise ValueError("must be an RFC 3339 date-time string with a timezone, "
                         "e.g. 2026-11-02T09:30:00Z")
    return value


def _date_text(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339_DATE.match(value):
        raise ValueError("must be an RFC 3339 full-date string, e.g. 2026-11-02")
    return value


def _not_in_future(value: datetime, info: ValidationInfo) -> datetime:
    context = info.context if isinstance(info.context, dict) else {}
    now, skew = context.get(_NOW), context.get(_SKEW)
    if isinstance(now, datetime) and isinstance(skew, timedelta) and value > now + skew:
        raise ValueError(f"is in the future (more than {int(skew.total_seconds())} s ahead of "
                         "the receiving clock); give the time the call or letter arrived")
    return value


Time = Annotated[AwareDatetime, BeforeValidator(_time_text)]
"""An instant: an RFC 3339 date-time string with a timezone."""
Day = Annotated[date, BeforeValidator(_date_text)]
"""A calendar day: an RFC 3339 full-date string (YYYY-MM-DD)."""
ReceiptTime = Annotated[Time, AfterValidator(_not_in_future)]
"""When a channel received something: not later than the receiving clock plus the skew."""


def receipt_context(now: datetime, clock_skew: timedelta) -> dict[str, Any]:
    """The validation context that lets ``ReceiptTime`` refuse a receipt in the future."""
    return {_NOW: now, _SKEW: clock_skew}
