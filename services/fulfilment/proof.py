"""Rulebook §6, rectification: a name, a date of birth, a NINA, an RCCM or a NIF changes only to
a value the verified identity document shows; contact data and usage disputes go on as asked.

Pure: the corrections the requester asked for and what the identity worker recorded of the
verified document (``identity.verified.v1``) in, the corrections to apply and the refusals out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from contracts.corrections import IDENTITY_FIELDS, Corrections
from contracts.fulfilment import CategoryOutcome
from contracts.identity import VerifiedDocument
from contracts.vocabulary import Action, Category, DocumentKind, Store
from services.identity.names import normalise
from services.rulebook.retention import UNSUPPORTED_DOCUMENT

NAME_PARTS = ("given_names", "surname")
#: How the customer's letter names each identity field.
FIELDS_FR: Mapping[str, str] = {
    "full_name": "nom complet", "given_names": "prénoms", "surname": "nom",
    "nina": "NINA", "rccm": "numéro RCCM", "nif": "NIF", "profession": "profession",
    "date_of_birth": "date de naissance", "place_of_birth": "lieu de naissance",
    "gender": "sexe", "nationality": "nationalité",
}


@dataclass(frozen=True)
class Weighed:
    applied: Corrections
    """What goes to the stores: contact data, usage disputes, and the identity values shown."""
    refused: tuple[CategoryOutcome, ...]
    """One refusal per category, naming the fields in French."""


def weigh(corrections: Corrections, document: VerifiedDocument | None) -> Weighed:
    asked = corrections.given()
    identity = {field: value for field, value in asked.items() if field in IDENTITY_FIELDS}
    shown = shown_values(identity, document)
    refused = [field for field in identity if field not in shown]
    applied = {field: shown.get(field, value) for field, value in asked.items()
               if field not in refused}
    return Weighed(Corrections.model_validate(applied), refusals(refused))


def shown_values(identity: Mapping[str, str], document: VerifiedDocument | None
                 ) -> dict[str, str]:
    """The identity fields whose new value the document shows, with the value to apply (a
    number as the document writes it). None without a document."""
    if document is None:
        return {}
    shown = {}
    for field, value in identity.items():
        found = SHOWS[field](value, document) if field in SHOWS else None
        if found is not None:
            shown[field] = found
    parts = {field: identity[field] for field in NAME_PARTS if field in identity}
    if parts and _words_on(" ".join(parts.values()), document.holder_name):
        shown |= parts
    return shown


def refusals(fields: list[str]) -> tuple[CategoryOutcome, ...]:
    by_category: dict[Category, list[str]] = {}
    for field in fields:
        by_category.setdefault(IDENTITY_FIELDS[field], []).append(field)
    return tuple(CategoryOutcome(
        store=Store.CRM, category=category, action=Action.REFUSE, records=len(named),
        reason=f"{', '.join(FIELDS_FR[f] for f in named)} : {UNSUPPORTED_DOCUMENT}",
    ) for category, named in by_category.items())


Shows = Callable[[str, VerifiedDocument], str | None]


def _same_name(value: str, document: VerifiedDocument) -> str | None:
    """The document's name as names compare (case, accents, word order), no tolerance."""
    return value if normalise(value) == normalise(document.holder_name) else None


def _words_on(value: str, holder_name: str) -> bool:
    """Every word of ``value`` is a word of the document's name (as often as it is there)."""
    words = Counter(normalise(value).split())
    return bool(words) and words <= Counter(normalise(holder_name).split())


def _same_birth_date(value: str, document: VerifiedDocument) -> str | None:
    try:
        born = date.fromisoformat(value)
    except ValueError:
        return None
    return born.isoformat() if born == document.date_of_birth else None


def _number_on(kind: DocumentKind) -> Shows:
    """The document's number, when a document of ``kind`` carries it (spaces, hyphens, dots
    and case aside)."""
    def shows(value: str, document: VerifiedDocument) -> str | None:
        same = document.kind is kind and _compact(value) == _compact(document.number)
        return document.number if same else None
    return shows


def _compact(number: str) -> str:
    return "".join(c for c in number.upper() if c.isalnum())


#: Each identity field a document can show, and how (the name parts are weighed together;
#: no document kind of the contract carries a NIF, a profession, a place of birth, a gender or
#: a nationality: those are refused).
SHOWS: Mapping[str, Shows] = {
    "full_name": _same_name,
    "date_of_birth": _same_birth_date,
    "nina": _number_on(DocumentKind.NINA_CARD),
    "rccm": _number_on(DocumentKind.RCCM_EXTRACT),
}
