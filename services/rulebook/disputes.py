"""Rectification of usage records (rulebook §6): facts are not edited; a dispute is opened in
billing with the customer's statement, and the disputed items are restricted meanwhile, in
billing (invoices, payments, consumption) and in the CDR (traffic events)."""

from __future__ import annotations

import json
from collections.abc import Mapping

BILLING_ITEMS = frozenset({"invoice", "invoices", "payment", "payments", "consumption"})
TRAFFIC_ITEMS = frozenset({"cdr", "calls", "sms", "data_sessions", "counterpart",
                           "connection_usage", "location"})
USAGE_ITEMS = BILLING_ITEMS | TRAFFIC_ITEMS
DISPUTED = ("relevés d'usage : ces faits ne sont pas modifiés ; un litige est ouvert, votre "
            "déclaration est enregistrée et les éléments contestés sont limités jusqu'à sa "
            "clôture")


def disputed(corrections: Mapping[str, str], items: frozenset[str] = USAGE_ITEMS
             ) -> dict[str, str]:
    """The corrections that name usage records (of ``items``)."""
    return {key: value for key, value in corrections.items() if key in items}


def items_text(corrections: Mapping[str, str]) -> str:
    """What the dispute names, as it is recorded."""
    return json.dumps(disputed(corrections), ensure_ascii=False, sort_keys=True)
