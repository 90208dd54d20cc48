"""Rulebook §6, erasure: while a contract runs, the data it needs stays; the answer says
what was kept for that reason and offers termination (résiliation).

A pure decision over the outcomes: only data a store kept because the contract is running
(``kept_for_contract``) makes the answer offer termination; a former customer's answer, or
data kept under a legal hold, does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.backoffice import StoreOutcome
from contracts.vocabulary import Action, Category
from services.notification import wording


def kept_for_contract(outcomes: Sequence[StoreOutcome]) -> list[Category]:
    """The categories kept only because the contract runs, in the order the stores named."""
    kept = (o.category for o in outcomes if o.kept_for_contract and o.action is Action.RETAIN)
    return list(dict.fromkeys(kept))


def termination_offer(outcomes: Sequence[StoreOutcome]) -> dict[str, Any] | None:
    """What the letter and SMS say about ending the contract; ``None``: nothing to offer."""
    kept = kept_for_contract(outcomes)
    if not kept:
        return None
    return {"categories_fr": [wording.CATEGORIES[category] for category in kept]}
