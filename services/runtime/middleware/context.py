"""Every log line written while a message is handled names that message.

The processor binds the event's id, correlation id and trace id once it has parsed the
envelope (``bind_event``); the ``MessageContext`` middleware, outermost, starts and ends each
delivery with nothing bound, so no line carries another message's ids.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from contracts.envelope import CloudEvent
from services.runtime.delivery import Delivery, Outcome
from services.runtime.deps import correlation_id_of, trace_id_of


def bind_event(event: CloudEvent) -> None:
    structlog.contextvars.bind_contextvars(event_id=event.id,
                                           correlation_id=correlation_id_of(event),
                                           trace_id=trace_id_of(event))


class MessageContext:
    def __call__(self, delivery: Delivery,
                 call_next: Callable[[Delivery], Outcome]) -> Outcome:
        structlog.contextvars.clear_contextvars()
        try:
            return call_next(delivery)
        finally:
            structlog.contextvars.clear_contextvars()
