"""Turning parse and validation failures into reasons a person can act on."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from contracts.envelope import CloudEvent

MAX_BODY_BYTES = 4_000_000

Problem = tuple[str, str]


class EnvelopeError(Exception):
    """The body is not a CloudEvents JSON object; ``raw`` is what could be decoded, if any."""

    def __init__(self, problems: list[Problem], raw: dict[str, Any] | None) -> None:
        super().__init__("; ".join(f"{f}: {p}" for f, p in problems))
        self.problems = problems
        self.raw = raw


def problems_of(error: ValidationError, prefix: str = "") -> list[Problem]:
    """One (field path, what was wrong) pair per error, without echoing the bad value."""
    found: list[Problem] = []
    for item in error.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in item["loc"])
        found.append((f"{prefix}{path}" or "(message)", item["msg"]))
    return found


def parse_envelope(body: bytes) -> CloudEvent:
    if len(body) > MAX_BODY_BYTES:
        raise EnvelopeError([("(body)", f"too large: {len(body)} bytes, "
                                        f"the limit is {MAX_BODY_BYTES}")], None)
    try:
        raw = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise EnvelopeError([("(body)", "not UTF-8 text")], None) from None
    except json.JSONDecodeError as exc:
        raise EnvelopeError([("(body)", f"not JSON: {exc.msg} at position {exc.pos}")],
                            None) from None
    except RecursionError:
        raise EnvelopeError([("(body)", "not acceptable JSON: nested too deeply")],
                            None) from None
    if not isinstance(raw, dict):
        raise EnvelopeError([("(body)", "not a JSON object")], None)
    try:
        return CloudEvent.model_validate(raw)
    except ValidationError as exc:
        raise EnvelopeError(problems_of(exc), raw) from None
