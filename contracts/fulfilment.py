"""Fulfilment: what was done to each category in each store."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from contracts.backoffice import StoreOutcome
from contracts.envelope import Message
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
