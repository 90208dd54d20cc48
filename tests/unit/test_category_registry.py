"""One registry of data categories (services/rulebook/categories.py) feeds both the stores'
answers to discovery and the access package's notices: they cannot disagree."""

from __future__ import annotations

import pytest

from contracts.vocabulary import Category, Store
from services.access_package.catalogue import notices
from services.rulebook.categories import BASES, CATEGORIES, kept_in, terms
from services.rulebook.retention import Retention
from simulators.stores.registry import STORE_SERVICES

RETENTION = Retention(traffic_months=18, accounting_years=10)


def test_every_category_of_the_contract_has_one_record() -> None:
    assert set(CATEGORIES) == set(Category)


@pytest.mark.parametrize("store", list(Store))
def test_each_store_holds_exactly_the_categories_the_registry_places_in_it(store: Store) -> None:
    assert set(STORE_SERVICES[store.value].categories) == set(kept_in(store))


def test_the_package_names_the_stores_and_bases_the_stores_state() -> None:
    for category, notice in notices(RETENTION).items():
        stated = {store: terms(category, store, RETENTION)[0] for store in notice.stores}
        bases = {basis for basis_list in stated.values() for basis in basis_list.split(", ")}
        assert bases == {basis.value for basis in notice.bases}, category
        assert len(notice.legal_bases) == len(notice.bases)
        assert all(text in BASES.values() for text in notice.legal_bases)


def test_retention_is_worded_with_the_configured_periods_in_both_places() -> None:
    usage = Category.CONNECTION_USAGE
    assert "18 mois après l'événement" in terms(usage, Store.CDR, RETENTION)[1]
    assert "18 mois après l'événement" in notices(RETENTION)[usage].retention
    device = notices(RETENTION)[Category.DEVICE].retention
    assert device.startswith("fichier clients : durée du contrat")
    assert "réseau : 18 mois après l'événement" in device


def test_a_category_a_store_does_not_keep_has_no_terms_there() -> None:
    with pytest.raises(KeyError):
        terms(Category.LOCATION, Store.CRM, RETENTION)
