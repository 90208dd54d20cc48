"""What the access package says besides the data: the controller, recipients, transfers,
and each category's notice, worded from the rulebook's category registry
(``services/rulebook/categories.py``) with the configured retention periods."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from contracts.vocabulary import Category, Store
from services.rulebook.categories import BASES, CATEGORIES, SOURCE_SYSTEMS, Basis
from services.rulebook.retention import Retention

C = Category

CONTROLLER = ("Orange Mali, Immeuble Orange, Hamdallaye ACI 2000, B.P. E 3991, Bamako, Mali "
              "(Service clients : 7400)")

RECIPIENTS = (
    "les services internes d'Orange Mali",
    "ses sous-traitants",
    "des partenaires et prestataires agissant au nom et pour le compte d'Orange Mali, "
    "notamment pour la fourniture et/ou la facturation des produits et services",
    "les autorités compétentes, à leur demande, dans le cadre de procédures judiciaires, de "
    "recherches judiciaires et de sollicitations d'information des autorités, ou afin de se "
    "conformer à d'autres obligations légales",
)

TRANSFERS = (
    "Les données collectées sont susceptibles d'être traitées hors du Mali. Dans ce cas, "
    "Orange Mali s'assure par des mesures contractuelles ou autres que vos données y "
    "bénéficient d'un niveau de protection approprié, comparable à la protection dont elles "
    "bénéficieraient au Mali conformément à la réglementation de la protection des données à "
    "caractère personnel."
)


@dataclass(frozen=True)
class CategoryNotice:
    """Everything the package says about one category besides the data itself."""

    label: str
    contents: str
    stores: tuple[Store, ...]
    purposes: tuple[str, ...]
    bases: tuple[Basis, ...]
    retention: str
    logic: str | None = None

    @property
    def source_systems(self) -> list[str]:
        return [SOURCE_SYSTEMS[store] for store in self.stores]

    @property
    def legal_bases(self) -> list[str]:
        return [BASES[basis] for basis in self.bases]


MONTHLY = frozenset({C.CONNECTION_USAGE, C.DEVICE, C.LOCATION})
"""Categories whose CDR rows get a monthly summary besides the full list."""


@cache
def notices(retention: Retention) -> dict[Category, CategoryNotice]:
    """Each category's notice, its retention worded with the configured periods."""
    return {category: CategoryNotice(c.label, c.contents, c.stores, c.purposes, c.bases,
                                     c.retention(retention), c.logic)
            for category, c in CATEGORIES.items()}

MASKED_FIELDS = {"counterpart": "msisdn", "rib": "rib"}
"""Fields the stores mask in their exports; the builder checks they did (never re-masks)."""

NEVER_EXPORTED_SOURCES = frozenset({"holds"})
"""Legal holds (requisitions, interceptions included) never reach a package (rulebook §5)."""
