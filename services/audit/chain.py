"""The hash chain, pure: canonical JSON of an entry, SHA-256 links, and verification.

Each entry's hash covers its own fields and the previous entry's hash, so changing, removing
or reordering any entry breaks every link after it. The first entry links to ``GENESIS``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One audit entry as stored."""

    sequence: int
    reference: str
    event_type: str
    event_id: str
    source: str
    occurred_at: datetime
    recorded_at: datetime
    summary: Mapping[str, Any]
    previous_hash: str
    entry_hash: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Entry:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Break:
    """Where the chain first fails, and why."""

    sequence: int
    problem: str


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in an audit entry")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        raise ValueError("floats are not allowed in an audit entry (not canonical)")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(
    sequence: int,
    reference: str,
    event_type: str,
    event_id: str,
    source: str,
    occurred_at: datetime,
    recorded_at: datetime,
    summary: Mapping[str, Any],
    previous_hash: str,
) -> bytes:
    """The bytes that are hashed: sorted keys, no whitespace, UTF-8, UTC ISO timestamps."""
    body = {
        "sequence": sequence, "reference": reference, "event_type": event_type,
        "event_id": event_id, "source": source, "occurred_at": occurred_at,
        "recorded_at": recorded_at, "summary": summary, "previous_hash": previous_hash,
    }
    return json.dumps(_plain(body), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def plain_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    """``summary`` as it will read back from a JSON column (dates as ISO strings)."""
    result: dict[str, Any] = _plain(summary)
    return result


def entry_hash(
    sequence: int,
    reference: str,
    event_type: str,
    event_id: str,
    source: str,
    occurred_at: datetime,
    recorded_at: datetime,
    summary: Mapping[str, Any],
    previous_hash: str,
) -> str:
    data = canonical(sequence, reference, event_type, event_id, source, occurred_at,
                     recorded_at, summary, previous_hash)
    return hashlib.sha256(data).hexdigest()


def rehash(entry: Entry) -> str:
    """What ``entry``'s hash should be, from its stored fields."""
    return entry_hash(entry.sequence, entry.reference, entry.event_type, entry.event_id,
                      entry.source, entry.occurred_at, entry.recorded_at, entry.summary,
                      entry.previous_hash)


def first_break(
    entries: Iterable[Entry], head: tuple[int, str] | None = None
) -> Break | None:
    """The first entry where the chain fails, or None when it is intact.

    ``entries`` must come in sequence order. ``head`` is the (last sequence, last hash) the
    writer recorded: it reveals entries removed from the end of the log.
    """
    expected, previous = 1, GENESIS
    for entry in entries:
        if entry.sequence != expected:
            if entry.sequence > expected:
                return Break(expected, f"entry {expected} is missing "
                                       f"(next is {entry.sequence})")
            return Break(entry.sequence, f"entry {entry.sequence} is out of order")
        if entry.previous_hash != previous:
            return Break(entry.sequence, "does not link to the previous entry's hash")
        if rehash(entry) != entry.entry_hash:
            return Break(entry.sequence, "its content does not match its hash (altered)")
        previous, expected = entry.entry_hash, expected + 1
    if head is None:
        return None
    last_sequence, last_hash = head
    if last_sequence >= expected:
        return Break(expected, f"entries {expected}..{last_sequence} are missing "
                               "at the end of the log")
    if last_sequence < expected - 1:
        return Break(last_sequence + 1, "entries were added after the recorded chain head")
    if last_hash != previous:
        return Break(max(last_sequence, 1), "the last entry differs from the recorded head")
    return None


def verify(entries: Iterable[Entry], head: tuple[int, str] | None = None) -> int | None:
    """The first broken sequence number, or None when the chain is intact."""
    broken = first_break(entries, head)
    return None if broken is None else broken.sequence
