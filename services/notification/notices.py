"""Who is told of a rectification, an erasure or a restriction (rulebook §6, GDPR Art. 19),
as data. The policy names the recipients of customers' data: internal services, sub-processors,
partners acting for Orange Mali, and the authorities. Internal services are the operator
itself (the stores are changed by the saga); the authorities receive data only on their own
demand, under a requisition that the rights workers never see (rulebook §5, no tipping off),
so they get no notice. Sub-processors and partners are told of the categories they receive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contracts.fulfilment import CategoryOutcome
from contracts.vocabulary import Action, Category, Right

C = Category


@dataclass(frozen=True)
class NoticeRecipient:
    key: str
    name: str
    address: str
    categories: frozenset[Category]


RECIPIENTS = (
    NoticeRecipient(
        "subprocessors", "Sous-traitants d'Orange Mali (hébergement, centre d'appels 7400)",
        "destinataire:sous-traitants", frozenset(Category)),
    NoticeRecipient(
        "partners", "Partenaires et prestataires agissant au nom et pour le compte d'Orange "
        "Mali pour la fourniture et la facturation des produits et services",
        "destinataire:partenaires",
        frozenset({C.IDENTIFICATION, C.CONTACT, C.ECONOMIC_FINANCIAL, C.PRODUCTS_SERVICES,
                   C.CONNECTION_USAGE})),
)
NOTIFIED_RIGHTS = frozenset({Right.RECTIFICATION, Right.ERASURE, Right.RESTRICTION})
NOTIFIED_ACTIONS = frozenset({Action.RECTIFY, Action.ERASE, Action.ANONYMISE, Action.RESTRICT})


def notices(right: Right, outcomes: Sequence[CategoryOutcome]
            ) -> list[tuple[NoticeRecipient, list[CategoryOutcome]]]:
    """Each recipient with the changes it must apply (none: it is not told)."""
    if right not in NOTIFIED_RIGHTS:
        return []
    changed = [o for o in outcomes if o.action in NOTIFIED_ACTIONS and o.records]
    found = []
    for recipient in RECIPIENTS:
        mine = [o for o in changed if o.category in recipient.categories]
        if mine:
            found.append((recipient, mine))
    return found
