"""Where a request stands: the status events and the 7400 agent's query."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from contracts.envelope import Message
from contracts.fulfilment import CategoryOutcome
from contracts.intake import FieldProblem
from contracts.notification import NoticeStatus
from contracts.text import Line, OperatorName
from contracts.times import Day, Time
from contracts.vocabulary import Reference, RequestState, Right


class StatusChanged(Message):
    message_type: ClassVar[str] = "request.status-changed.v1"
    summary: ClassVar[str] = "Every change of a request's state"

    reference: Reference
    channel_reference: str = Field(description="the submitting channel's own reference")
    right: Right
    state: RequestState
    due_on: Day
    reason: str | None = Field(default=None, max_length=500)
    changed_at: Time


class StatusQuery(Message):
    message_type: ClassVar[str] = "request.status.query.v1"
    summary: ClassVar[str] = "Ask for a request's state (AMQP reply_to + correlation_id)"

    reference: Line = Field(min_length=1, max_length=40)


class StatusReply(Message):
    message_type: ClassVar[str] = "request.status.reply.v1"
    summary: ClassVar[str] = "The answer to a status query, sent to the query's reply_to"

    reference: str
    found: bool
    right: Right | None = None
    state: RequestState | None = None
    due_on: Day | None = None
    reason: str | None = None
    updated_at: Time | None = None
    outcomes: list[CategoryOutcome] = Field(
        default_factory=list, description="what was done per category and store, once fulfilled"
    )
    escalated: bool = False
    breached: bool = Field(default=False, description="answered, or still open, after due_on")
    notices: list[NoticeStatus] = Field(
        default_factory=list, description="each notice sent to the customer and where it "
        "stands with its gateway (sent, delivered, failed, expired)")


class QueryRefused(Message):
    message_type: ClassVar[str] = "query.refused.v1"
    summary: ClassVar[str] = ("The answer to a query that could not be read: which field and "
                              "why, sent to the query's reply_to")

    query_type: str = Field(max_length=200, description="the routing key the query came with")
    problems: list[FieldProblem] = Field(min_length=1, max_length=20)


class RequestWithdrawn(Message):
    message_type: ClassVar[str] = "request.withdrawn.v1"
    summary: ClassVar[str] = "A request was withdrawn; every worker stops its part cleanly"

    reference: Reference
    right: Right
    withdrawn_at: Time


class ClockTicked(Message):
    message_type: ClassVar[str] = "clock.ticked.v1"
    summary: ClassVar[str] = ("The time, published every minute by `dsr clock`; workers act on "
                              "what has fallen due (reminders, closures, deadlines)")

    now: Time


class DeadlineEscalated(Message):
    message_type: ClassVar[str] = "request.deadline-escalated.v1"
    summary: ClassVar[str] = ("The internal target passed with the request still open: the "
                              "data-protection officer is alerted")

    reference: Reference
    right: Right
    state: RequestState
    target_on: Day
    due_on: Day


class DeadlineBreached(Message):
    message_type: ClassVar[str] = "request.deadline-breached.v1"
    summary: ClassVar[str] = "The legal due date passed with the request still open"

    reference: Reference
    right: Right
    state: RequestState
    due_on: Day


class DeadLetterRedriven(Message):
    message_type: ClassVar[str] = "operations.dead-letter-redriven.v1"
    summary: ClassVar[str] = ("An operator sent a dead-lettered message back to where it was "
                              "first published (console or `dsr dlq redrive`)")

    worker: Line = Field(min_length=1, max_length=40, description="whose dead-letter queue")
    event_id: Line = Field(min_length=1, max_length=200)
    event_type: Line = Field(min_length=1, max_length=200)
    reference: Reference | None = Field(default=None,
                                        description="the request it concerns, when it names one")
    redriven_by: OperatorName
