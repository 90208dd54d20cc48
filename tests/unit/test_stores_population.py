"""The synthetic population: deterministic, streamed, Malian, with every edge case present."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from simulators.population.demo import RECYCLED_MSISDN, demo_subjects
from simulators.population.generator import build_population
from simulators.population.mali import luhn_digit
from tests.unit.test_stores_support import NOW

MSISDN = re.compile(r"^\+223[679]\d{7}$")


def test_the_same_seed_gives_the_same_population() -> None:
    one = build_population(seed=11, subscribers=5, cdr_per_subscriber=20, now=NOW)
    two = build_population(seed=11, subscribers=5, cdr_per_subscriber=20, now=NOW)
    other = build_population(seed=12, subscribers=5, cdr_per_subscriber=20, now=NOW)
    assert list(one.subjects()) == list(two.subjects())
    assert list(one.cdr_events()) == list(two.cdr_events())
    assert list(one.cdr_events()) != list(other.cdr_events())


def test_records_are_streamed_not_listed() -> None:
    population = build_population(subscribers=100_000, cdr_per_subscriber=1_000, now=NOW)
    events = population.cdr_events()
    assert isinstance(events, Iterator)
    assert next(events).msisdn.startswith("+223")


def test_every_demo_edge_case_is_present() -> None:
    plans = {plan.customer_code: plan for plan in demo_subjects()}
    holders = [p for p in plans.values() if any(h.msisdn == RECYCLED_MSISDN for h in p.holdings)]
    assert len(holders) == 2
    assert any(len(p.holdings) > 1 for p in plans.values())
    assert plans["CM-100009"].kind == "legal_entity"
    assert plans["CM-100009"].representative_code == "CM-100010"
    flags = Counter(flag for p in plans.values() for flag in p.flags)
    assert flags == {"debt": 1, "litigation": 1, "stolen_device": 1, "requisition": 1}
    assert sum(p.case == "ordinary" for p in plans.values()) == 5


def test_numbers_are_malian_and_never_shared_except_by_recycling() -> None:
    population = build_population(subscribers=300, cdr_per_subscriber=0, now=NOW)
    held = [s.msisdn for subject in population.subjects() for s in subject.subscriptions]
    assert all(MSISDN.match(m) for m in held)
    assert [m for m, n in Counter(held).items() if n > 1] == [RECYCLED_MSISDN]
    ninas = [p.nina for p in population.plans() if p.nina]
    assert len(ninas) == len(set(ninas)) and all(len(n) == 15 for n in ninas)


def test_imeis_carry_a_valid_check_digit() -> None:
    population = build_population(subscribers=20, cdr_per_subscriber=0, now=NOW)
    imeis = [h.imei for subject in population.subjects() for h in subject.handsets]
    assert all(len(i) == 15 and int(i[-1]) == luhn_digit(i[:-1]) for i in imeis)
