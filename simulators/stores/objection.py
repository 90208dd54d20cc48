"""Objection by purpose (rulebook §6), as data: what each purpose's objection leads to.

* marketing-type purposes: absolute, no reason needed, effective at once, the customer goes
  on the suppression list (only the opt-out flag is kept);
* other legitimate-interest purposes: the stated reason is weighed, the default is to stop;
  the stop is recorded in the CRM's processing preferences, per purpose;
* fraud prevention, platform security, safety of persons: they prevail, refused with reason;
* contract and legal-obligation processing: objection does not apply; the letter explains
  and offers termination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from contracts.vocabulary import Action, Category, Purpose

P, C = Purpose, Category


class Ruling(StrEnum):
    OPT_OUT = "opt_out"
    STOP = "stop"
    PREVAILS = "prevails"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class PurposeRule:
    ruling: Ruling
    category: Category
    label_fr: str
    stored_as: frozenset[str] = frozenset()

    @property
    def stops(self) -> bool:
        """The processing stops (recorded in the CRM's preferences)."""
        return self.ruling in (Ruling.OPT_OUT, Ruling.STOP)

    @property
    def action(self) -> Action:
        return Action.OPT_OUT if self.stops else Action.REFUSE

    def reason(self) -> str:
        return f"{self.label_fr} : {REASONS[self.ruling]}"


REASONS: Mapping[Ruling, str] = {
    Ruling.OPT_OUT: ("opposition enregistrée, effective immédiatement ; vous êtes inscrit(e) "
                     "sur la liste d'opposition (seul ce refus est conservé)"),
    Ruling.STOP: ("traitement fondé sur notre intérêt légitime : vos raisons ont été prises en "
                  "compte et ce traitement est arrêté pour vous"),
    Ruling.PREVAILS: ("ce traitement est maintenu : la prévention de la fraude, la sécurité "
                      "du réseau et la sécurité des personnes prévalent sur l'opposition"),
    Ruling.NOT_APPLICABLE: ("l'opposition ne s'applique pas aux traitements nécessaires au "
                            "contrat ou imposés par la loi ; vous pouvez résilier votre "
                            "contrat auprès du Service clients (7400) ou en boutique"),
}

OBJECTION: Mapping[Purpose, PurposeRule] = {
    P.DIRECT_MARKETING: PurposeRule(Ruling.OPT_OUT, C.PROFILES_SCORES, "prospection commerciale",
                                    frozenset({"direct_marketing"})),
    P.COMMERCIAL_EVENTS: PurposeRule(Ruling.OPT_OUT, C.PROFILES_SCORES,
                                     "événements commerciaux"),
    P.TOMBOLAS: PurposeRule(Ruling.OPT_OUT, C.PROFILES_SCORES, "jeux et tombolas",
                            frozenset({"tombola"})),
    P.MARKETING_SURVEYS: PurposeRule(Ruling.OPT_OUT, C.PROFILES_SCORES,
                                     "enquêtes commerciales", frozenset({"surveys"})),
    P.MARKETING_PROFILING: PurposeRule(Ruling.OPT_OUT, C.PROFILES_SCORES,
                                       "profilage à des fins de prospection"),
    P.USAGE_ANALYTICS: PurposeRule(Ruling.STOP, C.CONNECTION_USAGE,
                                   "analyses d'usage des services"),
    P.CUSTOMER_KNOWLEDGE_SURVEYS: PurposeRule(Ruling.STOP, C.PROFILES_SCORES,
                                              "enquêtes de connaissance client"),
    P.FRAUD_PREVENTION: PurposeRule(Ruling.PREVAILS, C.CONNECTION_USAGE,
                                    "prévention de la fraude"),
    P.PLATFORM_SECURITY: PurposeRule(Ruling.PREVAILS, C.CONNECTION_USAGE,
                                     "sécurité du réseau et des plateformes"),
    P.SAFETY_OF_PERSONS: PurposeRule(Ruling.PREVAILS, C.LOCATION, "sécurité des personnes"),
    P.CONTRACT_PERFORMANCE: PurposeRule(Ruling.NOT_APPLICABLE, C.PRODUCTS_SERVICES,
                                        "exécution du contrat"),
    P.LEGAL_OBLIGATION: PurposeRule(Ruling.NOT_APPLICABLE, C.IDENTIFICATION,
                                    "obligations légales"),
}
MARKETING = tuple(p for p, rule in OBJECTION.items() if rule.ruling is Ruling.OPT_OUT)


def objected(purposes: Sequence[Purpose]) -> tuple[Purpose, ...]:
    """The purposes an objection names; none named means every marketing purpose."""
    return tuple(dict.fromkeys(purposes)) or MARKETING
