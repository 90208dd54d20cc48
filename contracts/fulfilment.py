"""Fulfilment: what was done to each category in each store."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import ConfigDict, Field

from contracts.backoffice import StoreOutcome
from contracts.envelope import Message
from contracts.text import OperatorName, Reason
from contracts.vocabulary import Reference, Right, Store


class CategoryOutcome(StoreOutcome):
    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Store


class FulfilmentCompleted(Message):
    message_type: ClassVar[str] = "fulfilment.completed.v1"
    summary: ClassVar[str] = "The right was carried out in every store; outcome per category"

    reference: Reference
    right: Right
    outcomes: list[CategoryOutcome]
    package_ref: str | None = None


class FulfilmentFailed(Message):
    message_type: ClassVar[str] = "fulfilment.failed.v1"
    summary: ClassVar[str] = "A store failed for good; changed stores were compensated"

    reference: Reference
    right: Right
    reason: str
    compensated: list[Store] = Field(
        default_factory=list, description="stores restored to their state before the request")
    not_restored: list[Store] = Field(
        default_factory=list, description="stores a person must check by hand")


class ReviewDecision(StrEnum):
    """What the back office decides for a request whose fulfilment failed for good."""

    RETRY = "retry"
    CLOSE = "close"


class FulfilmentReviewDecided(Message):
    message_type: ClassVar[str] = "fulfilment.review-decided.v1"
    summary: ClassVar[str] = ("The back office decides a request that fulfilment sent to manual "
                              "review (`dsr review --retry/--close`)")

    reference: Reference
    decision: ReviewDecision
    reviewer: OperatorName
    reason: Reason


class FulfilmentRetried(Message):
    message_type: ClassVar[str] = "fulfilment.retried.v1"
    summary: ClassVar[str] = ("After a review, the fulfilment saga runs again from the start "
                              "(new command ids: the stores act again)")

    reference: Reference
    right: Right
    run: int = Field(ge=2, description="the saga's run, 1 being the first")


class FulfilmentClosed(Message):
    message_type: ClassVar[str] = "fulfilment.closed.v1"
    summary: ClassVar[str] = ("After a review, a request whose fulfilment failed is closed; "
                              "the customer is told why")

    reference: Reference
    right: Right
    reason: str = Field(min_length=3, max_length=500)
    restored: bool = Field(description="every store is back in its state before the request")

