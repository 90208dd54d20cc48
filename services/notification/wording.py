"""French words for contract values, as the customer reads them."""

from contracts.vocabulary import Action, Category, Right, Store

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
