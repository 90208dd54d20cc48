"""A deterministic population: ``random.Random`` per subject, records streamed, never listed.

``build_population(seed, subscribers, cdr_per_subscriber, now)`` describes the population;
its methods generate it on demand, so each store's seeder streams only what it needs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from simulators.population import mali
from simulators.population.activity import (
    draw_billing,
    draw_cdr_events,
    draw_cdr_holds,
    draw_handsets,
)
from simulators.population.demo import (
    DEBT,
    LITIGATION,
    REQUISITION,
    STOLEN_DEVICE,
    HoldingPlan,
    SubjectPlan,
    demo_subjects,
)
from simulators.population.records import (
    AgentInteraction,
    CdrEvent,
    CdrHold,
    Cell,
    ContactPoint,
    CrmHold,
    Customer,
    Device,
    Handset,
    MarketingPreference,
    Profile,
    Subject,
    Subscription,
)

__all__ = ["Population", "build_population", "demo_subjects", "draw_subject", "random_plan"]

FIRST_GENERATED_CODE = 200_001
HEAVY_FACTOR = 5  # a heavy user's events, in multiples of an ordinary subscriber's, by default
CDR_HOLD_FLAGS = frozenset({STOLEN_DEVICE, REQUISITION})
DEVICE_MODELS = (
    ("smartphone", "Tecno Spark 10"), ("smartphone", "Samsung Galaxy A14"),
    ("smartphone", "Itel A70"), ("smartphone", "Infinix Hot 30"),
    ("feature_phone", "Nokia 105"), ("feature_phone", "Itel it2163"),
)
PRODUCTS = ("Prépayé Mobile", "Forfait Mobile", "Forfait Pro", "Box 4G")
SEGMENTS = ("grand public", "jeune urbain", "premium", "rural", "entreprise")
NOTES = (
    "Réclamation: crédit de communication non reçu", "Demande de code PUK",
    "Changement d'offre vers un forfait", "Signalement d'un débit internet lent",
    "Demande de duplicata de facture", "Question sur un prélèvement Orange Money",
)
PREFERENCES = (("sms", "direct_marketing"), ("call", "direct_marketing"),
               ("sms", "surveys"), ("sms", "tombola"))


@dataclass(frozen=True)
class Population:
    """The demo subjects plus ``subscribers`` generated ones, as of ``now``; heavy users
    (``SubjectPlan.heavy``) get ``heavy_cdr_events`` events instead of ``cdr_per_subscriber``
    (others ``SubjectPlan.traffic`` times that)."""

    seed: int
    subscribers: int
    cdr_per_subscriber: int
    now: datetime
    heavy_cdr_events: int = 0

    def plans(self) -> Iterator[SubjectPlan]:
        yield from demo_subjects()
        for index in range(self.subscribers):
            yield random_plan(self.seed, index)

    def subjects(self) -> Iterator[Subject]:
        for plan in self.plans():
            yield draw_subject(plan, self.seed, self.now)

    def cells(self) -> Iterator[Cell]:
        return mali.cells()

    def cdr_holds(self) -> Iterator[CdrHold]:
        """Every subject's CDR holds; only subjects flagged for one are drawn in full."""
        for plan in self.plans():
            if plan.flags & CDR_HOLD_FLAGS:
                yield from draw_subject(plan, self.seed, self.now).cdr_holds

    def cdr_count(self, plan: SubjectPlan) -> int:
        return self.heavy_cdr_events if plan.heavy else self.cdr_per_subscriber * plan.traffic

    def cdr_streams(self) -> Iterator[Iterator[CdrEvent]]:
        """One time-ordered stream of events per subject, drawn lazily."""
        for plan in self.plans():
            yield self.cdr_events_of(plan)

    def cdr_events_of(self, plan: SubjectPlan) -> Iterator[CdrEvent]:
        handsets = _handsets(plan, self.seed, self.now)[1]
        return draw_cdr_events(plan, handsets, self.cdr_count(plan), self.seed, self.now)

    def cdr_events(self) -> Iterator[CdrEvent]:
        for events in self.cdr_streams():
            yield from events


def build_population(seed: int = 7400, subscribers: int = 50, cdr_per_subscriber: int = 200,
                     now: datetime | None = None,
                     heavy_cdr_events: int | None = None) -> Population:
    """Same arguments, same population. ``now`` defaults to today's midnight, UTC;
    ``heavy_cdr_events`` to ``HEAVY_FACTOR`` times ``cdr_per_subscriber``."""
    heavy = HEAVY_FACTOR * cdr_per_subscriber if heavy_cdr_events is None else heavy_cdr_events
    if subscribers < 0 or cdr_per_subscriber < 0 or heavy < 0:
        raise ValueError("subscribers and CDR counts must not be negative")
    moment = now or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return Population(seed, subscribers, cdr_per_subscriber,
                      moment.astimezone(UTC).replace(microsecond=0), heavy)


def random_plan(seed: int, index: int) -> SubjectPlan:
    """The ``index``-th generated subscriber; a legal entity every 20th, represented by the
    person just before it."""
    rng = random.Random(f"{seed}:plan:{index}")
    code = f"CM-{FIRST_GENERATED_CODE + index}"
    town = mali.pick_town(rng)
    holdings = _random_holdings(rng, seed, index)
    flags = frozenset(flag for flag, odds in ((DEBT, .04), (LITIGATION, .03),
                                              (STOLEN_DEVICE, .01), (REQUISITION, .005))
                      if rng.random() < odds)
    if index % 20 == 19:
        name = f"{rng.choice(mali.COMPANY_WORDS)} {rng.choice(mali.COMPANY_TRADES)} SARL"
        return SubjectPlan(
            customer_code=code, full_name=name, date_of_birth=None, nina=None,
            holdings=holdings, kind="legal_entity", home_town=town.name, flags=flags,
            rccm=f"MA.{town.code}.{rng.randint(2000, 2024)}.B.{rng.randrange(10_000):04d}",
            nif=f"{rng.randrange(10**9):09d}{chr(65 + rng.randrange(26))}",
            representative_code=f"CM-{FIRST_GENERATED_CODE + index - 1}",
        )
    gender = rng.choice("FM")
    given = rng.choice(mali.FEMALE_NAMES if gender == "F" else mali.MALE_NAMES)
    surname = rng.choice(mali.SURNAMES)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
    region = mali.TOWNS.index(town) + 1
    return SubjectPlan(
        customer_code=code, full_name=f"{given} {surname}", date_of_birth=born,
        nina=mali.nina(gender, born.strftime("%y%m%d"), region, 20_000 + index),
        holdings=holdings, given_names=given, surname=surname, gender=gender,
        home_town=town.name, flags=flags,
    )


def _random_holdings(rng: random.Random, seed: int, index: int) -> tuple[HoldingPlan, ...]:
    start = rng.randint(60, 3000)
    until = rng.randint(30, start - 30) if start > 90 and rng.random() < .08 else None
    first = HoldingPlan(mali.slot_msisdn(seed, 2 * index), start, until)
    if until is None and rng.random() < .15:
        return first, HoldingPlan(mali.slot_msisdn(seed, 2 * index + 1), rng.randint(30, start))
    return (first,)


def _handsets(plan: SubjectPlan, seed: int,
              now: datetime) -> tuple[random.Random, tuple[Handset, ...]]:
    """The subject's generator, and the handsets it draws first (the CDR needs only those)."""
    rng = random.Random(f"{seed}:subject:{plan.customer_code}")
    opened = min(h.period(now)[0] for h in plan.holdings)
    return rng, draw_handsets(rng, plan, opened, now)


def draw_subject(plan: SubjectPlan, seed: int, now: datetime) -> Subject:
    """Every CRM, billing and CDR-hold record of one planned subject."""
    rng, handsets = _handsets(plan, seed, now)
    opened = min(h.period(now)[0] for h in plan.holdings)
    home = mali.address(rng, plan.home_town)
    return Subject(
        customer=_customer(rng, plan, opened),
        home_town=plan.home_town,
        contacts=_contacts(rng, plan, home, opened),
        subscriptions=tuple(_subscription(rng, plan.customer_code, h, now)
                            for h in plan.holdings),
        devices=tuple(_device(rng, plan.customer_code, handset) for handset in handsets),
        handsets=handsets,
        interactions=_interactions(rng, plan.customer_code, opened, now),
        profiles=(_profile(rng, plan, now),),
        preferences=tuple(MarketingPreference(plan.customer_code, channel, purpose,
                                              rng.random() < .6, opened)
                          for channel, purpose in PREFERENCES),
        crm_holds=_crm_holds(rng, plan, now),
        billing=draw_billing(rng, plan, home, now),
        cdr_holds=draw_cdr_holds(rng, plan, handsets, now),
    )


def _customer(rng: random.Random, plan: SubjectPlan, opened: datetime) -> Customer:
    person = plan.kind == "person"
    return Customer(
        customer_code=plan.customer_code, kind=plan.kind, full_name=plan.full_name,
        given_names=plan.given_names, surname=plan.surname,
        photo_ref=f"photos/{plan.customer_code}.jpg" if person else None,
        profession=rng.choice(mali.PROFESSIONS) if person else None,
        nina=plan.nina, rccm=plan.rccm, nif=plan.nif, date_of_birth=plan.date_of_birth,
        place_of_birth=rng.choice(mali.TOWNS).name if person else None,
        gender=plan.gender, nationality="malienne" if person else None,
        representative_code=plan.representative_code,
        status="terminated" if plan.terminated else "active", anonymised=False,
        created_at=opened,
    )


def _contacts(rng: random.Random, plan: SubjectPlan, home: str,
              opened: datetime) -> tuple[ContactPoint, ...]:
    code = plan.customer_code
    points = [ContactPoint(code, "address", home, opened),
              ContactPoint(code, "phone", plan.msisdn, opened)]
    legal = plan.kind == "legal_entity"
    if legal or rng.random() < .5:
        points.append(ContactPoint(code, "postal", f"BP {rng.randint(1, 9999)}, "
                                                   f"{plan.home_town}", opened))
    if legal or (plan.given_names and rng.random() < .4):
        given, surname = plan.given_names or "contact", plan.surname or plan.full_name
        points.append(ContactPoint(code, "email", mali.email(rng, given, surname), opened))
    if legal:
        points.append(ContactPoint(code, "fax", mali.random_msisdn(rng), opened))
    return tuple(points)


def _subscription(rng: random.Random, code: str, holding: HoldingPlan,
                  now: datetime) -> Subscription:
    held_from, held_until = holding.period(now)
    return Subscription(code, holding.msisdn, held_from, held_until, rng.choice(PRODUCTS),
                        "active" if held_until is None else "terminated")


def _device(rng: random.Random, code: str, handset: Handset) -> Device:
    kind, model = rng.choice(DEVICE_MODELS)
    return Device(code, kind, model, handset.used_from)


def _interactions(rng: random.Random, code: str, opened: datetime,
                  now: datetime) -> tuple[AgentInteraction, ...]:
    span = max(int((now - opened).total_seconds()), 1)
    moments = sorted(opened + timedelta(seconds=rng.randrange(span))
                     for _ in range(rng.randint(0, 4)))
    return tuple(AgentInteraction(code, at, rng.choice(("7400", "7400", "boutique")),
                                  rng.choice(NOTES)) for at in moments)


def _profile(rng: random.Random, plan: SubjectPlan, now: datetime) -> Profile:
    segment = "entreprise" if plan.kind == "legal_entity" else rng.choice(SEGMENTS[:4])
    inputs = {"arpu_xof": rng.randint(500, 60_000), "data_share": round(rng.random(), 2),
              "tenure_days": plan.holdings[0].from_days_ago}
    return Profile(plan.customer_code, segment, rng.randint(0, 100), json.dumps(inputs),
                   now - timedelta(days=rng.randint(1, 60)))


def _crm_holds(rng: random.Random, plan: SubjectPlan, now: datetime) -> tuple[CrmHold, ...]:
    holds = []
    if DEBT in plan.flags:
        holds.append(CrmHold(plan.customer_code, DEBT, now - timedelta(days=120), None,
                             f"REC-{now.year}-{rng.randrange(10_000):04d}"))
    if LITIGATION in plan.flags:
        holds.append(CrmHold(plan.customer_code, LITIGATION, now - timedelta(days=45), None,
                             f"LIT-{now.year}-{rng.randrange(10_000):04d}"))
    return tuple(holds)
