"""Data discovery: the subject's inventory across CRM, billing and CDR."""

from __future__ import annotations

from typing import ClassVar

from contracts.backoffice import Holding, InventoryItem
from contracts.envelope import Message
from contracts.intake import RequestDetails
from contracts.vocabulary import Reference, Right


class DiscoveryCompleted(Message):
    message_type: ClassVar[str] = "discovery.completed.v1"
    summary: ClassVar[str] = "Every store has said what it holds for the verified subject"

    reference: Reference
    right: Right
    customer_code: str
    holdings: list[Holding]
    inventory: list[InventoryItem]
    details: RequestDetails
