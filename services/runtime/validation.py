"""Turning parse and validation failures into reasons a person can act on."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from contracts.envelope import CONTENT_TYPE, CloudEvent

MAX_BODY_BYTES = 4_000_000
#: Longer integers are refused (Python's own limit is 4,300 digits, past which json raises).
MAX_INTEGER_DIGITS = 40
CONTENT_TYPE_FIELD = "(content-type)"

Problem = tuple[str, str]


class EnvelopeError(Exception):
    """The body is not a CloudEvents JSON object; ``raw`` is what could be decoded, if any."""

    def __init__(self, problems: list[Problem], raw: dict[str, Any] | None) -> None:
        super().__init__("; ".join(f"{f}: {p}" for f, p in problems))
        self.problems = problems
        self.raw = raw


class _Unreadable:
    """Stands where the JSON held a value that has no place in a message, until located."""

    def __init__(self, problem: str) -> None:
        self.problem = problem


def problems_of(error: ValidationError, prefix: str = "") -> list[Problem]:
    """One (field path, what was wrong) pair per error, without echoing the bad value."""
    found: list[Problem] = []
    for item in error.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in item["loc"])
        found.append((f"{prefix}{path}" or "(message)", item["msg"].removeprefix("Value error, ")))
    return found


def content_type_problem(content_type: str | None) -> str | None:
    """Why a delivery's content type is refused, or None for structured CloudEvents JSON."""
    if content_type is None:
        return f"missing: a message must be sent as {CONTENT_TYPE}"
    media_type, _, parameters = content_type.partition(";")
    charset = parameters.strip().lower().replace(" ", "")
    if media_type.strip().lower() != CONTENT_TYPE or charset not in {"", "charset=utf-8"}:
        return f"{content_type[:100]!r} is not accepted: send {CONTENT_TYPE} (UTF-8)"
    return None


def parse_envelope(body: bytes, content_type: str | None = CONTENT_TYPE) -> CloudEvent:
    if len(body) > MAX_BODY_BYTES:
        raise EnvelopeError([("(body)", f"too large: {len(body)} bytes, "
                                        f"the limit is {MAX_BODY_BYTES}")], None)
    refused = content_type_problem(content_type)
    if refused is not None:
        raise EnvelopeError([(CONTENT_TYPE_FIELD, refused)], _best_effort(body))
    raw, unreadable = _decode(body)
    if not isinstance(raw, dict):
        raise EnvelopeError([("(body)", "not a JSON object")], None)
    if unreadable:
        raise EnvelopeError(_unreadable_values(raw), raw)
    try:
        return CloudEvent.model_validate(raw)
    except ValidationError as exc:
        raise EnvelopeError(problems_of(exc), raw) from None


def _decode(body: bytes) -> tuple[Any, bool]:
    """The decoded body, and whether it holds values that have no place in a message."""
    refused: list[_Unreadable] = []

    def integer(text: str) -> int | _Unreadable:
        digits = len(text.lstrip("-"))
        if digits <= MAX_INTEGER_DIGITS:
            return int(text)
        refused.append(_Unreadable(f"a number of {digits} digits: at most {MAX_INTEGER_DIGITS}"))
        return refused[-1]

    def constant(text: str) -> _Unreadable:
        refused.append(_Unreadable(f"{text} is not a JSON number"))
        return refused[-1]

    try:
        raw = json.loads(body.decode("utf-8"), parse_int=integer, parse_constant=constant)
    except UnicodeDecodeError:
        raise EnvelopeError([("(body)", "not UTF-8 text")], None) from None
    except json.JSONDecodeError as exc:
        raise EnvelopeError([("(body)", f"not JSON: {exc.msg} at position {exc.pos}")],
                            None) from None
    except RecursionError:
        raise EnvelopeError([("(body)", "not acceptable JSON: nested too deeply")],
                            None) from None
    except ValueError:  # anything else json cannot turn into values
        raise EnvelopeError([("(body)", "not acceptable JSON")], None) from None
    return raw, bool(refused)


def _best_effort(body: bytes) -> dict[str, Any] | None:
    """A refused body's JSON object, if it is one: only to name the caller's reference."""
    try:
        raw, unreadable = _decode(body)
    except EnvelopeError:
        return None
    return raw if isinstance(raw, dict) and not unreadable else None


def _unreadable_values(raw: dict[str, Any]) -> list[Problem]:
    """Where the decoded body holds a refused value, as field paths."""
    found: list[Problem] = []
    pending: list[tuple[str, Any]] = [("", raw)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, _Unreadable):
            found.append((path or "(body)", value.problem))
        elif isinstance(value, dict):
            pending += [(f"{path}.{str(key)[:40]}" if path else str(key)[:40], item)
                        for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(f"{path}.{index}", item) for index, item in enumerate(value)]
    return sorted(found)
