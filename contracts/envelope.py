"""CloudEvents 1.0 envelope (structured JSON mode) and the base of every payload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.text import EventText, extension_problem
from contracts.times import Time

CONTENT_TYPE = "application/cloudevents+json"
EVENTS_EXCHANGE = "dsr.events"
COMMANDS_EXCHANGE = "dsr.commands"


class Message(BaseModel):
    """Base of every ``data`` payload. Subclasses name their CloudEvents ``type``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    message_type: ClassVar[str]
    exchange: ClassVar[str] = EVENTS_EXCHANGE
    summary: ClassVar[str] = ""

    def routing_type(self) -> str:
        """The CloudEvents ``type`` and AMQP routing key of this message."""
        return self.message_type


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 structured-mode envelope."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: EventText
    source: EventText
    type: str = Field(min_length=1, max_length=200, pattern=r"^[a-z0-9._\-]+\.v[0-9]+$")
    time: Time
    subject: EventText | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @model_validator(mode="after")
    def _extensions_are_attributes(self) -> CloudEvent:
        """Extension attributes: lowercase names of at most 20 characters, scalar values."""
        for name, value in (self.model_extra or {}).items():
            problem = extension_problem(name, value)
            if problem is not None:
                raise ValueError(f"extension attribute {name[:20]!r} {problem}")
        return self

    @classmethod
    def wrap(
        cls,
        payload: Message,
        *,
        source: str,
        subject: str | None = None,
        type_: str | None = None,
        time: datetime | None = None,
        event_id: str | None = None,
    ) -> CloudEvent:
        """Build the envelope for ``payload``; ``type_`` overrides the payload's type."""
        return cls(
            specversion="1.0",
            id=event_id or str(uuid.uuid4()),
            source=source,
            type=type_ or payload.routing_type(),
            time=time or datetime.now(UTC),
            subject=subject,
            data=payload.model_dump(mode="json"),
        )

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()
