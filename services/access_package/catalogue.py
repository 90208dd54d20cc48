"""What the privacy policy says about each data category, as data (rulebook §4, §6).

The wording is the policy's (``shared/seed/000_…txt``, 15/12/2021); retention follows the
stores' own rules (``services/<store>/sources.py``), and its periods are the configured ones
(``DSR_TRAFFIC_RETENTION_MONTHS``, ``DSR_ACCOUNTING_RETENTION_YEARS``, through
``services.stores.retention.Retention``): ``notices(retention)``. Counsel edits this module,
not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from contracts.vocabulary import Category, Store
from services.stores.retention import Retention

C = Category


class Basis(StrEnum):
    """The policy's three lists of purposes."""

    CONTRACT = "contract"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"


BASES = {
    Basis.CONTRACT: "exécution du contrat",
    Basis.LEGITIMATE_INTEREST: "intérêt légitime d'Orange Mali",
    Basis.LEGAL_OBLIGATION: "obligation légale ou réglementaire",
}

SOURCE_SYSTEMS = {
    Store.CRM: "fichier clients (CRM)",
    Store.BILLING: "système de facturation",
    Store.CDR: "plateforme de trafic du réseau (relevés d'appels, CDR)",
}

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

SEGMENTATION_LOGIC = (
    "Votre profil de segmentation (un segment et un score de 0 à 100) est calculé "
    "périodiquement à partir de votre dépense mensuelle moyenne (ARPU, en francs CFA), de la "
    "part de l'internet mobile dans votre consommation et de votre ancienneté (les valeurs "
    "utilisées figurent dans le champ « inputs » de chaque profil). Plus la dépense et "
    "l'ancienneté sont élevées, plus le score est élevé. Il sert à vous proposer des offres "
    "adaptées à vos besoins et à organiser les opérations de marketing direct ; il ne produit "
    "aucun effet juridique à votre égard (ni refus de service, ni tarif individuel). Vous "
    "pouvez vous y opposer à tout moment, sans avoir à donner de motif."
)

_IDENTIFY = ("Gérer l'identification du client ou de l'utilisateur afin de l'authentifier et "
             "éviter toute usurpation d'identité, fraude ou infraction à la loi")
_ORDER = "Gérer la commande du client"
_BILL = "Facturer et encaisser les paiements effectués par les clients"
_AFTER_SALES = "Assurer le Service Après-Vente"
_SUSPEND = "Traiter les demandes de suspensions ou de résiliations"
_CLAIMS = "Traiter les requêtes et réclamations formulées par les clients"
_COMMUNICATE = "Communiquer au titre de la gestion de la clientèle"
_MAIL = "Gérer les courriers entrants"
_RECOVER = "Recouvrer les impayés"
_DISPUTES = "Gérer les litiges et contentieux"
_RIGHTS = "Gérer les demandes relatives aux droits des personnes concernées"
_EQUIPMENT = "Gérer le matériel"
_MARKETING = "Organiser des opérations de marketing direct"
_ANALYTICS = ("Collecter, traiter et analyser les données d'usages des clients pour concevoir "
              "des tableaux de bord, faciliter les prises de décision managériale et proposer "
              "des services qui correspondent mieux à leurs besoins")
_IMPROVE = "Améliorer les offres et la relation client"
_SECURITY = "Assurer la sécurité des plateformes et services"
_FRAUD = "Lutter contre la fraude et préserver le Chiffre d'Affaires"
_CONNECTED = "Commercialiser et optimiser des objets connectés et les offres associées"
_KEEP = "Conserver les données requises pour être en mesure de répondre aux obligations légales"
_AUTHORITIES = "Répondre aux réquisitions des autorités et aux décisions de justice"
_STOLEN = "Assurer le blocage, à l'utilisation, des mobiles déclarés volés"

_DURING_CONTRACT = "durée du contrat, puis suppression ou anonymisation sauf obligation légale"


def _traffic(retention: Retention) -> str:
    return (f"{retention.traffic_months} mois après l'événement (conservation légale des "
            "données de trafic)")


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


B = Basis
MONTHLY = frozenset({C.CONNECTION_USAGE, C.DEVICE, C.LOCATION})
"""Categories whose CDR rows get a monthly summary besides the full list."""


@cache
def notices(retention: Retention) -> dict[Category, CategoryNotice]:
    """Each category's notice, its retention worded with the configured periods."""
    return _table(retention)


def _table(retention: Retention) -> dict[Category, CategoryNotice]:
    traffic = _traffic(retention)
    return {
        C.IDENTIFICATION: CategoryNotice(
            "Données d'identification",
            "nom, prénom, photo, profession, code client, numéro NINA, RCCM, NIF",
            (Store.CRM,), (_IDENTIFY, _ORDER, _RIGHTS, _AUTHORITIES),
            (B.CONTRACT, B.LEGAL_OBLIGATION), _DURING_CONTRACT),
        C.PERSONAL_CHARACTERISTICS: CategoryNotice(
            "Caractéristiques personnelles", "date et lieu de naissance, genre, nationalité",
            (Store.CRM,), (_IDENTIFY,), (B.CONTRACT,), _DURING_CONTRACT),
        C.CONTACT: CategoryNotice(
            "Données de contact", "adresse physique et postale, e-mail, numéro de téléphone",
            (Store.CRM, Store.BILLING), (_COMMUNICATE, _MAIL, _BILL, _RECOVER),
            (B.CONTRACT,), _DURING_CONTRACT),
        C.ECONOMIC_FINANCIAL: CategoryNotice(
            "Données économiques et financières",
            "consommation, factures, paiements, moyens de paiement, RIB (masqué sauf ses 4 "
            "derniers caractères), dettes et litiges",
            (Store.BILLING,), (_BILL, _RECOVER, _DISPUTES, _KEEP),
            (B.CONTRACT, B.LEGAL_OBLIGATION),
            f"facturation : durée du contrat ; pièces comptables : {retention.accounting_years} "
            "ans après la clôture de l'exercice (OHADA) ; dette : jusqu'au recouvrement ou à la "
            "prescription"),
        C.CONNECTION_USAGE: CategoryNotice(
            "Données de connexion, d'usage et d'interaction",
            "relevés des appels, SMS et sessions internet (CDR), adresses IP ; les numéros de vos "
            "correspondants sont masqués en leur milieu (données de tiers)",
            (Store.CDR,), (_BILL, _SECURITY, _FRAUD, _ANALYTICS, _KEEP, _AUTHORITIES),
            (B.CONTRACT, B.LEGITIMATE_INTEREST, B.LEGAL_OBLIGATION), traffic),
        C.PRODUCTS_SERVICES: CategoryNotice(
            "Produits et services détenus ou utilisés", "lignes, offres et périodes de détention",
            (Store.CRM,), (_ORDER, _AFTER_SALES, _SUSPEND), (B.CONTRACT,), _DURING_CONTRACT),
        C.AGENT_INTERACTIONS: CategoryNotice(
            "Interactions avec les téléconseillers", "date, canal et objet de vos échanges",
            (Store.CRM,), (_CLAIMS, _AFTER_SALES, _IMPROVE),
            (B.CONTRACT, B.LEGITIMATE_INTEREST), "durée du traitement de la demande et du contrat"),
        C.DEVICE: CategoryNotice(
            "Type et modèle du terminal", "type et modèle déclarés, IMEI vu sur le réseau",
            (Store.CRM, Store.CDR), (_EQUIPMENT, _STOLEN, _CONNECTED),
            (B.CONTRACT, B.LEGAL_OBLIGATION),
            f"fichier clients : durée du contrat ; réseau : {traffic}"),
        C.PROFILES_SCORES: CategoryNotice(
            "Profils et scores de segmentation", "segment, score et préférences de prospection",
            (Store.CRM,), (_MARKETING, _IMPROVE, _ANALYTICS), (B.LEGITIMATE_INTEREST,),
            "jusqu'à votre opposition, au plus la durée du contrat", logic=SEGMENTATION_LOGIC),
        C.LOCATION: CategoryNotice(
            "Données de localisation", "cellule du réseau (ville, région) de chaque événement",
            (Store.CDR,), (_SECURITY, _KEEP, _AUTHORITIES), (B.LEGAL_OBLIGATION,), traffic),
    }

MASKED_FIELDS = {"counterpart": "msisdn", "rib": "rib"}
"""Fields the stores mask in their exports; the builder checks they did (never re-masks)."""

NEVER_EXPORTED_SOURCES = frozenset({"holds"})
"""Legal holds (requisitions, interceptions included) never reach a package (rulebook §5)."""
