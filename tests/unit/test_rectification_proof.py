"""Rulebook §6, rectification: a name, a date of birth, a NINA, an RCCM or a NIF changes only to
a value the verified identity document shows; contact data and usage disputes go through."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.corrections import IDENTITY_FIELDS, Corrections
from contracts.identity import VerifiedDocument
from contracts.vocabulary import Action, Category, DocumentKind, Store
from services.fulfilment.proof import weigh
from services.rulebook.disputes import USAGE_ITEMS
from services.rulebook.retention import UNSUPPORTED_DOCUMENT
from simulators.billing.handlers import ADDRESS_KEYS
from simulators.crm.rectification import CONTACT_KINDS

NINA_CARD = VerifiedDocument(kind=DocumentKind.NINA_CARD, number="1 79 11 02 001 0002 K",
                             holder_name="Moussa Keyta", date_of_birth=date(1979, 11, 2))
EXTRACT = VerifiedDocument(kind=DocumentKind.RCCM_EXTRACT, number="MA.BKO.2014.B.5678",
                           holder_name="Sahel Transport Services SARL")


def applied(document: VerifiedDocument | None, **asked: str) -> dict[str, str]:
    return weigh(Corrections(**asked), document).applied.given()


def refused(document: VerifiedDocument | None, **asked: str) -> dict[Category, str]:
    outcomes = weigh(Corrections(**asked), document).refused
    assert all(o.store is Store.CRM and o.action is Action.REFUSE for o in outcomes)
    return {o.category: o.reason or "" for o in outcomes}


@pytest.mark.parametrize("name", ["Moussa Keyta", "KEYTA moussa", "Keÿta Moussa"])
def test_a_name_the_document_shows_is_applied_as_names_compare(name: str) -> None:
    assert applied(NINA_CARD, full_name=name) == {"full_name": name}


@pytest.mark.parametrize("name", ["Moussa Keïta", "Moussa Keytaa", "Moussa Keyta Diallo"])
def test_a_name_the_document_does_not_show_is_refused_even_if_close(name: str) -> None:
    assert applied(NINA_CARD, full_name=name) == {}
    assert refused(NINA_CARD, full_name=name) == {
        Category.IDENTIFICATION: f"nom complet : {UNSUPPORTED_DOCUMENT}"}


def test_surname_and_given_names_are_weighed_together_against_the_document_name() -> None:
    assert applied(NINA_CARD, surname="Keyta") == {"surname": "Keyta"}
    assert applied(NINA_CARD, given_names="Moussa", surname="KEYTA") == {
        "given_names": "Moussa", "surname": "KEYTA"}
    assert applied(NINA_CARD, given_names="Moussa", surname="Moussa") == {}
    assert applied(NINA_CARD, surname="Koné") == {}


def test_a_birth_date_is_applied_only_as_the_document_gives_it() -> None:
    assert applied(NINA_CARD, date_of_birth="1979-11-02") == {"date_of_birth": "1979-11-02"}
    for other in ("1979-11-03", "02/11/1979"):
        assert refused(NINA_CARD, date_of_birth=other) == {
            Category.PERSONAL_CHARACTERISTICS: f"date de naissance : {UNSUPPORTED_DOCUMENT}"}


def test_a_nina_comes_only_from_a_nina_card_as_the_card_writes_it() -> None:
    assert applied(NINA_CARD, nina="17911020010002K") == {"nina": "1 79 11 02 001 0002 K"}
    assert applied(NINA_CARD, nina="17911020010002L") == {}
    passport = NINA_CARD.model_copy(update={"kind": DocumentKind.PASSPORT})
    assert applied(passport, nina="1 79 11 02 001 0002 K") == {}


def test_an_rccm_comes_from_the_rccm_extract_and_no_document_carries_a_nif() -> None:
    assert applied(EXTRACT, rccm="MA BKO 2014 B 5678") == {"rccm": "MA.BKO.2014.B.5678"}
    assert applied(NINA_CARD, rccm="MA.BKO.2014.B.5678") == {}
    assert refused(EXTRACT, nif="MA.BKO.2014.B.5678") == {
        Category.IDENTIFICATION: f"NIF : {UNSUPPORTED_DOCUMENT}"}


def test_without_a_document_every_identity_correction_is_refused_and_the_rest_goes_on() -> None:
    weighed = weigh(Corrections(email="m.keyta@example.ml", calls="2026-10-03",
                                surname="Keyta", nina="X1", date_of_birth="1979-11-02",
                                profession="Commerçant"), None)
    assert weighed.applied.given() == {"email": "m.keyta@example.ml", "calls": "2026-10-03"}
    by_category = {o.category: (o.records, o.reason) for o in weighed.refused}
    assert by_category == {
        Category.IDENTIFICATION: (3, f"nom, NINA, profession : {UNSUPPORTED_DOCUMENT}"),
        Category.PERSONAL_CHARACTERISTICS: (1, f"date de naissance : {UNSUPPORTED_DOCUMENT}")}


def test_only_the_refused_fields_are_held_back() -> None:
    weighed = weigh(Corrections(surname="Keyta", date_of_birth="1980-01-01",
                                address="Rue 12, Bamako"), NINA_CARD)
    assert weighed.applied.given() == {"surname": "Keyta", "address": "Rue 12, Bamako"}
    assert [o.category for o in weighed.refused] == [Category.PERSONAL_CHARACTERISTICS]


def test_every_correction_the_contract_defines_is_carried_out_by_a_store() -> None:
    handled = set(CONTACT_KINDS) | set(ADDRESS_KEYS) | set(IDENTITY_FIELDS) | USAGE_ITEMS
    assert set(Corrections.model_fields) == handled
