"""What became of an intake the CLI submitted: registered, a duplicate, or rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from services.intake import registry


@dataclass(frozen=True)
class Registration:
    """``reference`` is the DSR reference (None: not registered, or not seen in time)."""

    channel_reference: str
    reference: str | None = None
    duplicate: bool = False
    problems: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        if self.problems:
            return f"{self.channel_reference} was rejected: " + "; ".join(
                f"{where}: {what}" for where, what in self.problems)
        if self.reference is None:
            return (f"{self.channel_reference} submitted; no registration seen yet (a "
                    "duplicate of an earlier intake registers nothing): ask again later")
        if self.duplicate:
            return (f"{self.channel_reference} is a duplicate: it was already registered as "
                    f"{self.reference}; nothing new was registered")
        return f"{self.channel_reference} registered as {self.reference}"


def registered_as(intake_engine: Engine, channel_reference: str) -> str | None:
    with intake_engine.connect() as conn:
        return registry.find_by_channel_reference(conn, channel_reference)

