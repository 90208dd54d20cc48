"""The data categories of the privacy policy, one record each (rulebook §4, §6).

This is the one place that says, for a category, what it holds, which store keeps it, on
which legal basis and for how long: the stores answer discovery with it (``terms``) and the
access package words its notices from it (``services/access_package/catalogue.py``). The
wording is the policy's (``shared/seed/000_…txt``, 15/12/2021); the periods are the configured
ones (``Retention``). Counsel edits this module, not code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from contracts.vocabulary import Category, Store
from services.rulebook import purposes as P
from services.rulebook.retention import Retention

C = Category


class Basis(StrEnum):
    """The policy's three lists of purposes."""

    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"


B = Basis
BASES = {
    B.CONTRACT: "exécution du contrat",
    B.LEGITIMATE_INTEREST: "intérêt légitime d'Orange Mali",
    B.LEGAL_OBLIGATION: "obligation légale ou réglementaire",
}

SOURCE_SYSTEMS = {
    Store.CRM: "fichier clients (CRM)",
    Store.BILLING: "système de facturation",
    Store.CDR: "plateforme de trafic du réseau (relevés d'appels, CDR)",
}
#: How a retention wording names the store when a category lives in several.
SHORT_NAMES = {Store.CRM: "fichier clients", Store.BILLING: "facturation", Store.CDR: "réseau"}

Wording = Callable[[Retention], str]


def fixed(text: str) -> Wording:
    return lambda _retention: text


DURING_CONTRACT = fixed("durée du contrat, puis suppression ou anonymisation sauf obligation "
                        "légale")


def traffic(retention: Retention) -> str:
    return (f"{retention.traffic_months} mois après l'événement (conservation légale des "
            "données de trafic)")


def accounts(retention: Retention) -> str:
    return (f"facturation : durée du contrat ; pièces comptables : {retention.accounting_years} "
            "ans après la clôture de l'exercice (OHADA) ; dette : jusqu'au recouvrement ou à la "
            "prescription")


@dataclass(frozen=True)
class Keeping:
    """One store's copy of a category: its legal bases and how long it is kept."""

    store: Store
    bases: tuple[Basis, ...]
    retention: Wording

    @property
    def legal_basis(self) -> str:
        """As a store's inventory states it (``contract, legal_obligation``)."""
        return ", ".join(self.bases)


@dataclass(frozen=True)
class DataCategory:
    label: str
    contents: str
    purposes: tuple[str, ...]
    kept_in: tuple[Keeping, ...]
    logic: str | None = None

    @property
    def stores(self) -> tuple[Store, ...]:
        return tuple(keeping.store for keeping in self.kept_in)

    @property
    def bases(self) -> tuple[Basis, ...]:
        return tuple(dict.fromkeys(b for keeping in self.kept_in for b in keeping.bases))

    def retention(self, retention: Retention) -> str:
        """One wording when every store keeps it alike, else each store's, named."""
        wordings = {k.store: k.retention(retention) for k in self.kept_in}
        if len(set(wordings.values())) == 1:
            return next(iter(wordings.values()))
        return " ; ".join(f"{SHORT_NAMES[store]} : {text}" for store, text in wordings.items())

    def keeping(self, store: Store) -> Keeping:
        for keeping in self.kept_in:
            if keeping.store is store:
                return keeping
        raise KeyError(f"{store} keeps no {self.label!r}")


def crm(*bases: Basis, retention: Wording = DURING_CONTRACT) -> Keeping:
    return Keeping(Store.CRM, bases, retention)


CATEGORIES: dict[Category, DataCategory] = {
    C.IDENTIFICATION: DataCategory(
        "Données d'identification",
        "nom, prénom, photo, profession, code client, numéro NINA, RCCM, NIF",
        (P.IDENTIFY, P.ORDER, P.RIGHTS, P.AUTHORITIES),
        (crm(B.CONTRACT, B.LEGAL_OBLIGATION),)),
    C.PERSONAL_CHARACTERISTICS: DataCategory(
        "Caractéristiques personnelles", "date et lieu de naissance, genre, nationalité",
        (P.IDENTIFY,), (crm(B.CONTRACT),)),
    C.CONTACT: DataCategory(
        "Données de contact", "adresse physique et postale, e-mail, numéro de téléphone",
        (P.COMMUNICATE, P.MAIL, P.BILL, P.RECOVER),
        (crm(B.CONTRACT), Keeping(Store.BILLING, (B.CONTRACT,), DURING_CONTRACT))),
    C.ECONOMIC_FINANCIAL: DataCategory(
        "Données économiques et financières",
        "consommation, factures, paiements, moyens de paiement, RIB (masqué sauf ses 4 "
        "derniers caractères), dettes et litiges",
        (P.BILL, P.RECOVER, P.DISPUTES, P.KEEP),
        (Keeping(Store.BILLING, (B.CONTRACT, B.LEGAL_OBLIGATION), accounts),)),
    C.CONNECTION_USAGE: DataCategory(
        "Données de connexion, d'usage et d'interaction",
        "relevés des appels, SMS et sessions internet (CDR), adresses IP ; les numéros de vos "
        "correspondants sont masqués en leur milieu (données de tiers)",
        (P.BILL, P.SECURITY, P.FRAUD, P.ANALYTICS, P.KEEP, P.AUTHORITIES),
        (Keeping(Store.CDR, (B.CONTRACT, B.LEGITIMATE_INTEREST, B.LEGAL_OBLIGATION), traffic),)),
    C.PRODUCTS_SERVICES: DataCategory(
        "Produits et services détenus ou utilisés", "lignes, offres et périodes de détention",
        (P.ORDER, P.AFTER_SALES, P.SUSPEND), (crm(B.CONTRACT),)),
    C.AGENT_INTERACTIONS: DataCategory(
        "Interactions avec les téléconseillers", "date, canal et objet de vos échanges",
        (P.CLAIMS, P.AFTER_SALES, P.IMPROVE),
        (crm(B.CONTRACT, B.LEGITIMATE_INTEREST,
             retention=fixed("durée du traitement de la demande et du contrat")),)),
    C.DEVICE: DataCategory(
        "Type et modèle du terminal", "type et modèle déclarés, IMEI vu sur le réseau",
        (P.EQUIPMENT, P.STOLEN, P.CONNECTED),
        (crm(B.CONTRACT), Keeping(Store.CDR, (B.CONTRACT, B.LEGAL_OBLIGATION), traffic))),
    C.PROFILES_SCORES: DataCategory(
        "Profils et scores de segmentation", "segment, score et préférences de prospection",
        (P.MARKETING, P.IMPROVE, P.ANALYTICS),
        (crm(B.LEGITIMATE_INTEREST,
             retention=fixed("jusqu'à votre opposition, au plus la durée du contrat")),),
        logic=P.SEGMENTATION_LOGIC),
    C.LOCATION: DataCategory(
        "Données de localisation", "cellule du réseau (ville, région) de chaque événement",
        (P.SECURITY, P.KEEP, P.AUTHORITIES),
        (Keeping(Store.CDR, (B.LEGAL_OBLIGATION,), traffic),)),
}


def kept_in(store: Store) -> tuple[Category, ...]:
    """The categories ``store`` keeps, in the policy's order."""
    return tuple(c for c, category in CATEGORIES.items() if store in category.stores)


def terms(category: Category, store: Store, retention: Retention) -> tuple[str, str]:
    """What a store's inventory states for ``category``: its legal basis and retention."""
    keeping = CATEGORIES[category].keeping(store)
    return keeping.legal_basis, keeping.retention(retention)
