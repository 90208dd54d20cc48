"""Rulebook §3.6, as a property: no request whose identity is not verified ever reaches data.

Hypothesis draws batches of requests, some with a flaw in the identity evidence; whatever the
mix, an unverified request produces no discovery, no store command beyond the CRM identity
lookup, and no access package.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from contracts.envelope import COMMANDS_EXCHANGE, CloudEvent
from contracts.vocabulary import Right
from services.discovery.tables import discoveries
from services.identity.tables import verifications
from tests.conftest import embedded_settings
from tests.support.harness import embedded_harness, submit
from tests.support.intakes import intake, nina_card
from tests.support.subjects import SUBJECTS, seeded

PEOPLE = ["CM-100001", "CM-100002", "CM-100003", "CM-100011", "CM-100012", "CM-100014"]
FLAWS = ["none", "birth_date", "name", "expired", "nina", "no_copy", "someone_elses_number"]


def flawed_request(code: str, flaw: str, right: Right, n: int) -> CloudEvent:
    plan = SUBJECTS[code]
    name, number, born = plan.full_name, plan.nina or "", plan.date_of_birth
    msisdn, expires, scan = plan.msisdn, date(2031, 1, 1), "c2Nhbg=="
    if flaw == "birth_date" and born:
        born = born.replace(year=born.year - 3)
    elif flaw == "name":
        name = "Ousmane Sidibé"
    elif flaw == "expired":
        expires = date(2025, 1, 1)
    elif flaw == "nina":
        number = "00000000000000X"
    elif flaw == "no_copy":
        scan = ""
    elif flaw == "someone_elses_number":
        msisdn = SUBJECTS["CM-100013"].msisdn
    document = nina_card(name, number, born, expires=expires, scan=scan or None)
    return intake(right, msisdn, name, document, channel_reference=f"call-{n}")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PEOPLE), st.sampled_from(FLAWS),
                          st.sampled_from(list(Right))), min_size=1, max_size=5))
def test_unverified_requests_never_reach_data(batch: list[tuple[str, str, Right]]) -> None:
    with tempfile.TemporaryDirectory() as data_dir, \
            embedded_harness(embedded_settings(Path(data_dir), log_level="ERROR")) as harness:
        seeded(harness)
        commands = harness.observe("#", exchange=COMMANDS_EXCHANGE)
        for n, (code, flaw, right) in enumerate(batch):
            submit(harness, flawed_request(code, flaw, right, n))
        harness.wait_until(lambda app: True)
        app = harness.app
        with app.engine("identity").connect() as conn:
            outcome = {r.reference: r.outcome for r in conn.execute(select(verifications))}
        with app.engine("discovery").connect() as conn:
            discovered = {r.reference for r in conn.execute(select(discoveries))}
        exports = Path(data_dir, "exports")
        packaged = {p.name for p in exports.iterdir()} if exports.exists() else set()
        sent = [(e.subject, e.type) for e in commands.events()]
    unverified = {ref for ref, result in outcome.items() if result != "verified"}
    assert not unverified & discovered
    assert not unverified & packaged
    assert all(t == "backoffice.crm.identify.v1" for ref, t in sent if ref in unverified)
    flawless = {f"DSR-2026-{n + 1:06d}" for n, (_c, flaw, _r) in enumerate(batch)
                if flaw == "none"}
    assert flawless <= set(outcome) - unverified
