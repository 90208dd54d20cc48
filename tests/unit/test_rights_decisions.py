"""The decision tables, pure: objection per purpose, usage disputes, retention from settings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts.backoffice import InventoryItem
from contracts.vocabulary import Action, Category, Purpose, Right, Store
from services.fulfilment.policy import plan
from services.rulebook.disputes import TRAFFIC_ITEMS, disputed
from services.rulebook.retention import Retention
from services.runtime.settings import Settings
from simulators.stores.objection import MARKETING, OBJECTION, Ruling, objected

P = Purpose


def test_every_purpose_of_the_vocabulary_has_a_ruling() -> None:
    assert set(OBJECTION) == set(Purpose)


@pytest.mark.parametrize("purpose", [P.DIRECT_MARKETING, P.COMMERCIAL_EVENTS, P.TOMBOLAS,
                                     P.MARKETING_SURVEYS, P.MARKETING_PROFILING])
def test_marketing_is_an_absolute_opt_out_onto_the_suppression_list(purpose: Purpose) -> None:
    rule = OBJECTION[purpose]
    assert rule.ruling is Ruling.OPT_OUT and rule.stops and rule.action is Action.OPT_OUT
    assert "effective immédiatement" in rule.reason()
    assert "liste d'opposition" in rule.reason()


@pytest.mark.parametrize("purpose", [P.USAGE_ANALYTICS, P.CUSTOMER_KNOWLEDGE_SURVEYS])
def test_other_legitimate_interests_stop_by_default(purpose: Purpose) -> None:
    rule = OBJECTION[purpose]
    assert rule.ruling is Ruling.STOP and rule.stops and rule.action is Action.OPT_OUT
    assert "arrêté" in rule.reason()


@pytest.mark.parametrize("purpose", [P.FRAUD_PREVENTION, P.PLATFORM_SECURITY,
                                     P.SAFETY_OF_PERSONS])
def test_fraud_security_and_safety_prevail_refused_with_the_reason(purpose: Purpose) -> None:
    rule = OBJECTION[purpose]
    assert rule.ruling is Ruling.PREVAILS and not rule.stops and rule.action is Action.REFUSE
    assert "prévalent" in rule.reason()


@pytest.mark.parametrize("purpose", [P.CONTRACT_PERFORMANCE, P.LEGAL_OBLIGATION])
def test_contract_and_legal_obligation_are_not_open_to_objection(purpose: Purpose) -> None:
    rule = OBJECTION[purpose]
    assert rule.ruling is Ruling.NOT_APPLICABLE and rule.action is Action.REFUSE
    assert "ne s'applique pas" in rule.reason() and "résilier" in rule.reason()


def test_an_objection_naming_no_purpose_covers_every_marketing_purpose() -> None:
    assert objected([]) == MARKETING
    assert objected([P.USAGE_ANALYTICS, P.USAGE_ANALYTICS]) == (P.USAGE_ANALYTICS,)


def test_retention_periods_and_reasons_come_from_the_settings() -> None:
    default = Retention.of(Settings())
    assert (default.traffic_months, default.accounting_years) == (12, 10)
    assert "12 mois" in default.reasons()["traffic_retention"]
    shorter = Retention.of(Settings(traffic_retention_months=6, accounting_retention_years=5))
    assert "6 mois" in shorter.reasons()["traffic_retention"]
    assert "5 ans" in shorter.reasons()["accounting"]
    event = datetime(2026, 1, 31, tzinfo=UTC)
    assert shorter.traffic_kept_until(event) == date(2026, 7, 31)
    assert shorter.accounting_kept_until(date(2026, 3, 1)) == date(2031, 12, 31)
    assert shorter.accounting_cutoff(date(2026, 11, 30)) == date(2021, 1, 1)


def test_only_usage_keys_open_a_dispute() -> None:
    corrections = {"email": "a@example.ml", "calls": "2026-10-03", "invoice": "F-1"}
    assert disputed(corrections) == {"calls": "2026-10-03", "invoice": "F-1"}
    assert disputed(corrections, TRAFFIC_ITEMS) == {"calls": "2026-10-03"}


def test_the_cdr_joins_a_rectification_only_for_a_traffic_dispute() -> None:
    inventory = [InventoryItem(store=store, category=category, records=3, legal_basis="contract",
                               retention="x")
                 for store, category in ((Store.CRM, Category.CONTACT),
                                         (Store.BILLING, Category.ECONOMIC_FINANCIAL),
                                         (Store.CDR, Category.CONNECTION_USAGE))]
    contact = plan(Right.RECTIFICATION, inventory, [], {"email": "a@example.ml"})
    assert [s.store for s in contact] == [Store.CRM, Store.BILLING]
    dispute = plan(Right.RECTIFICATION, inventory, [], {"calls": "2026-10-03"})
    assert [s.store for s in dispute] == [Store.CRM, Store.BILLING, Store.CDR]
