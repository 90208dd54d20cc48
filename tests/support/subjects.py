"""The seeded demo subjects, and requests made in their name."""

from __future__ import annotations

import base64
from typing import Any, TypedDict

from contracts.envelope import CloudEvent
from contracts.intake import IdentityDocument, Representative
from contracts.vocabulary import Category, DocumentKind, Right
from services.cli.seeding import load_population
from simulators.population.demo import SubjectPlan, demo_subjects
from simulators.population.generator import build_population
from tests.support.harness import Harness
from tests.support.intakes import RECEIVED, intake, nina_card

SUBJECTS: dict[str, SubjectPlan] = {s.customer_code: s for s in demo_subjects()}
MANDATE = base64.b64encode(b"Procuration signee du gerant, cachet de la societe").decode()


def seeded(harness: Harness) -> Harness:
    population = build_population(subscribers=5, cdr_per_subscriber=40,
                                  now=RECEIVED.replace(hour=0, minute=0))
    load_population(harness.app.settings, population)
    return harness


def request_for(code: str, right: Right, reference: str, with_code: bool = False,
                document: IdentityDocument | None = None, **details: Any) -> CloudEvent:
    plan = SUBJECTS[code]
    document = document or nina_card(plan.full_name, plan.nina or "", plan.date_of_birth)
    return intake(right, plan.msisdn, plan.full_name, document, channel_reference=reference,
                  customer_code=code if with_code else None, **details)


def company_request(reference: str, acting: str = "CM-100010",
                    mandate: str | None = MANDATE) -> CloudEvent:
    """Sahel Transport Services SARL (CM-100009), acting through ``acting``."""
    company, person = SUBJECTS["CM-100009"], SUBJECTS[acting]
    extract = IdentityDocument(kind=DocumentKind.RCCM_EXTRACT, number=company.rccm or "",
                               holder_name=company.full_name, expires_on=RECEIVED.date()
                               .replace(year=2027), copy_base64=MANDATE)
    representative = Representative(
        full_name=person.full_name, mandate_base64=mandate,
        identity_document=nina_card(person.full_name, person.nina or "", person.date_of_birth))
    event = intake(Right.ACCESS, company.msisdn, company.full_name, extract,
                   channel_reference=reference, customer_code=company.customer_code)
    data = {**event.data, "representative": representative.model_dump(mode="json")}
    return event.model_copy(update={"data": data})


class Details(TypedDict, total=False):
    """The request details (``RequestDetails``' fields) some rights need."""

    corrections: dict[str, str]
    purposes: list[str]
    categories: list[Category]


#: Ordinary subscribers a batch of mixed requests is made for (several requests each).
BATCH_PEOPLE = ("CM-100001", "CM-100002", "CM-100003", "CM-100004", "CM-100005", "CM-100008")
BATCH_DETAILS: dict[Right, Details] = {
    Right.RECTIFICATION: {"corrections": {"email": "nouveau@example.ml"}},
    Right.OBJECTION: {"purposes": ["direct_marketing"]},
    Right.RESTRICTION: {"categories": [Category.PROFILES_SCORES]},
}


def batch_request(n: int, person: str, details: dict[Right, Details] = BATCH_DETAILS
                  ) -> CloudEvent:
    """The ``n``-th request of a mixed batch: the five rights in turn, call id ``call-n``."""
    rights = list(Right)
    right = rights[n % len(rights)]
    return request_for(person, right, f"call-{n}", **details.get(right, Details()))
