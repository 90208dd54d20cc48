"""Data discovery: the subject's inventory across CRM, billing and CDR."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from contracts.backoffice import Holding, InventoryItem
from contracts.envelope import Message
from contracts.identity import VerifiedDocument
from contracts.intake import RequestDetails
from contracts.vocabulary import Reference, Right, Store


class DiscoveryCompleted(Message):
    message_type: ClassVar[str] = "discovery.completed.v1"
    summary: ClassVar[str] = "Every store has said what it holds for the verified subject"

    reference: Reference
    right: Right
    customer_code: str
    holdings: list[Holding]
    inventory: list[InventoryItem]
    details: RequestDetails
    document: VerifiedDocument | None = Field(
        default=None, description="rectification only: what the verified identity document "
        "shows (identity.verified.v1)")


class DiscoveryFailed(Message):
    message_type: ClassVar[str] = "discovery.failed.v1"
    summary: ClassVar[str] = ("A store never answered discovery (or failed it); the request "
                              "goes to manual review with the store named")

    reference: Reference
    right: Right
    store: Store = Field(description="the store that did not answer or failed")
    reason: str = Field(max_length=500)
