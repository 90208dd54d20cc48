"""French words for contract values, as the customer reads them."""

from collections.abc import Iterable

from contracts.identity import CheckResult, IdentityFailure
from contracts.vocabulary import Action, Category, Right, Store

F = IdentityFailure

REQUESTS = {
    Right.ACCESS: "demande d'accès",
    Right.RECTIFICATION: "demande de rectification",
    Right.ERASURE: "demande de suppression",
    Right.OBJECTION: "demande d'opposition",
    Right.RESTRICTION: "demande de limitation",
}
"""A request of each right, as a letter names it ("votre demande d'opposition")."""

RIGHTS = {
    Right.ACCESS: "droit d'accès",
    Right.RECTIFICATION: "rectification",
    Right.ERASURE: "suppression",
    Right.OBJECTION: "opposition",
    Right.RESTRICTION: "limitation",
}

CATEGORIES = {
    Category.IDENTIFICATION: "données d'identification",
    Category.PERSONAL_CHARACTERISTICS: "caractéristiques personnelles",
    Category.CONTACT: "données de contact",
    Category.ECONOMIC_FINANCIAL: "données économiques et financières",
    Category.CONNECTION_USAGE: "données de connexion et d'usage",
    Category.PRODUCTS_SERVICES: "produits et services",
    Category.AGENT_INTERACTIONS: "interactions avec les téléconseillers",
    Category.DEVICE: "type et modèle du terminal",
    Category.PROFILES_SCORES: "profils et scores de segmentation",
    Category.LOCATION: "données de localisation",
}

ACTIONS = {
    Action.EXPORT: "copie communiquée",
    Action.RECTIFY: "rectifiées",
    Action.ERASE: "supprimées",
    Action.ANONYMISE: "anonymisées",
    Action.RESTRICT: "limitées (conservées sans autre usage)",
    Action.OPT_OUT: "opposition enregistrée",
    Action.RETAIN: "conservées",
    Action.REFUSE: "demande refusée",
}

STORES = {Store.CRM: "fichier clients", Store.BILLING: "facturation", Store.CDR: "trafic"}

IDENTITY_FAILURES = {
    F.DOCUMENT_NOT_ACCEPTED: "ce type de pièce d'identité n'est pas accepté pour ce client",
    F.DOCUMENT_EXPIRED: "la pièce d'identité était expirée, ou sans date d'expiration, le jour "
                        "de la réception de votre demande",
    F.DOCUMENT_NOT_RECEIVED: "aucune pièce d'identité valide ne nous est parvenue dans le délai",
    F.PASSPORT_MRZ_INVALID: "la bande de lecture automatique (MRZ) du passeport est invalide ou "
                            "ne correspond pas aux mentions de la pièce",
    F.CUSTOMER_NOT_FOUND: "aucun client ne correspond aux informations fournies",
    F.NAME_CLOSE: "le nom indiqué est proche de celui de nos fichiers, sans lui être identique",
    F.NAME_MISMATCH: "le nom figurant sur la pièce ne correspond pas à nos fichiers",
    F.NAME_MIXES_SCRIPTS: "le nom indiqué mêle des lettres de plusieurs alphabets ; un agent "
                          "doit le comparer à la pièce d'identité",
    F.DATE_OF_BIRTH_MISMATCH: "la date de naissance ne correspond pas à nos fichiers",
    F.NINA_MISMATCH: "le NINA ne correspond pas à nos fichiers",
    F.MSISDN_NOT_HELD: "le numéro indiqué n'était pas celui de ce client le jour de la "
                       "réception de votre demande",
    F.NUMBER_NEVER_HELD: "le numéro indiqué n'a jamais été le vôtre pendant votre contrat",
    F.REGISTRATION_NUMBER_MISMATCH: "le numéro RCCM ou NIF ne correspond pas à nos fichiers",
    F.REPRESENTATIVE_MISSING: "la demande d'une entreprise doit être présentée par son "
                              "représentant, muni d'un mandat",
    F.REPRESENTATIVE_DOCUMENT_INVALID: "la pièce d'identité du représentant manque, n'est pas "
                                       "acceptée ou était expirée",
    F.REPRESENTATIVE_NAME_MISMATCH: "le nom du représentant ne correspond pas à sa pièce "
                                    "d'identité",
    F.REPRESENTATIVE_NOT_ON_FILE: "la personne qui agit n'est pas le représentant de "
                                  "l'entreprise connu de nos services",
    F.MANDATE_MISSING: "le mandat manque ou est illisible",
    F.REVIEW_NOT_CONFIRMED: "l'examen de votre dossier par nos services n'a pas permis de "
                            "confirmer votre identité",
}
"""Why an identity check failed, as the customer's letter says it (never what we hold)."""


def failed_checks(checks: Iterable[CheckResult]) -> list[str]:
    """The failed checks as the customer reads them, each wording once, in check order."""
    return list(dict.fromkeys(IDENTITY_FAILURES[c.failure] for c in checks
                              if not c.passed and c.failure is not None))
