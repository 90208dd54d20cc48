"""What subscribers do: handsets, bills and payments, holds, and call/SMS/data events."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta

from simulators.population import mali
from simulators.population.demo import (
    DEBT,
    LITIGATION,
    REQUISITION,
    STOLEN_DEVICE,
    HoldingPlan,
    SubjectPlan,
)
from simulators.population.records import (
    Account,
    BankDetail,
    BillingRecords,
    CdrEvent,
    CdrHold,
    Consumption,
    Debt,
    Dispute,
    Handset,
    Invoice,
    Payment,
)

CDR_WINDOW_DAYS = 548  # about 18 months of traffic, so some of it has outlived retention
BILLING_MONTHS = 24
STOLEN_DAYS_AGO = 60
VOICE_SHARE, SMS_SHARE = .45, .30  # the rest is data
HOME_SHARE = .85  # events on a cell of the home town
CONTACTS, CONTACT_SHARE = 20, .8  # a subscriber's usual correspondents, and their share
EVERY_CELL = tuple(cell for town in mali.TOWNS for cell in mali.cell_ids(town))
MEANS = ("orange_money", "orange_money", "espèces", "virement", "prélèvement")


def draw_handsets(rng: random.Random, plan: SubjectPlan, opened: datetime,
                  now: datetime) -> tuple[Handset, ...]:
    """One handset, or two when the subject changed phone (always after a theft)."""
    if STOLEN_DEVICE in plan.flags:
        switch = now - timedelta(days=STOLEN_DAYS_AGO)
    elif rng.random() < .2:
        switch = opened + (now - opened) * rng.uniform(.3, .8)
    else:
        return (Handset(mali.imei(rng), opened, None),)
    return Handset(mali.imei(rng), opened, switch), Handset(mali.imei(rng), switch, None)


def draw_cdr_holds(rng: random.Random, plan: SubjectPlan, handsets: tuple[Handset, ...],
                   now: datetime) -> tuple[CdrHold, ...]:
    holds = []
    if STOLEN_DEVICE in plan.flags:
        stolen = handsets[0]
        holds.append(CdrHold(STOLEN_DEVICE, plan.msisdn, stolen.imei, stolen.used_until or now,
                             None, f"VOL-{now.year}-{rng.randrange(10_000):04d}"))
    if REQUISITION in plan.flags:
        start = now - timedelta(days=30)
        holds.append(CdrHold(REQUISITION, plan.msisdn, None, start, now + timedelta(days=150),
                             f"PJ-BKO-{start.year}-{rng.randrange(10_000):04d}"))
    return tuple(holds)


def draw_billing(rng: random.Random, plan: SubjectPlan, home: str,
                 now: datetime) -> BillingRecords:
    periods = [h.period(now) for h in plan.holdings]
    opened = min(start for start, _ in periods)
    ends = [end for _, end in periods]
    closed_at = None if None in ends else max(e for e in ends if e is not None)
    account_no = "AC-" + plan.customer_code.split("-")[-1]
    account = Account(account_no, plan.customer_code, home,
                      "closed" if closed_at else "active", opened)
    scale = 5 if plan.kind == "legal_entity" else 1
    months = list(_months(opened, closed_at or now, now))
    consumption = tuple(Consumption(account_no, m, rng.randint(1_500, 40_000) * scale)
                        for m in months)
    invoices = tuple(_invoice(account_no, c) for c in consumption
                     if _issue_day(c.month) <= now.date())
    payments = tuple(_payment(rng, account_no, i, now) for i in invoices if rng.random() < .92)
    return BillingRecords(
        account=account, invoices=invoices, consumption=consumption,
        payments=tuple(p for p in payments if p is not None),
        bank_details=(BankDetail(account_no, mali.rib(rng), opened),)
        if plan.kind == "legal_entity" or rng.random() < .25 else (),
        debts=_debts(rng, plan, account_no, invoices, now),
        disputes=_disputes(rng, plan, account_no, invoices, now),
    )


def _months(opened: datetime, until: datetime, now: datetime) -> Iterator[date]:
    earliest = now - timedelta(days=BILLING_MONTHS * 30)
    month = max(opened, earliest).date().replace(day=1)
    last = until.date().replace(day=1)
    while month < last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _issue_day(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=5)


def _invoice(account_no: str, consumption: Consumption) -> Invoice:
    month = consumption.month
    return Invoice(f"FA-{account_no[3:]}-{month:%Y%m}", account_no, _issue_day(month),
                   f"{month:%Y-%m}", consumption.amount_xof)


def _payment(rng: random.Random, account_no: str, invoice: Invoice,
             now: datetime) -> Payment | None:
    paid = datetime.combine(invoice.issued_on, now.timetz()) + timedelta(
        days=rng.randint(1, 20), minutes=rng.randrange(600))
    if paid > now:
        return None
    return Payment(account_no, paid, invoice.amount_xof, rng.choice(MEANS))


def _debts(rng: random.Random, plan: SubjectPlan, account_no: str,
           invoices: tuple[Invoice, ...], now: datetime) -> tuple[Debt, ...]:
    owed = sum(i.amount_xof for i in invoices[-3:]) or 25_000
    if DEBT in plan.flags:
        return (Debt(account_no, owed, "under_recovery", (now - timedelta(days=120)).date()),)
    if rng.random() < .05:
        return (Debt(account_no, owed, "settled", (now - timedelta(days=400)).date()),)
    return ()


def _disputes(rng: random.Random, plan: SubjectPlan, account_no: str,
              invoices: tuple[Invoice, ...], now: datetime) -> tuple[Dispute, ...]:
    item = invoices[-1].invoice_no if invoices else account_no
    if LITIGATION in plan.flags:
        return (Dispute(account_no, now - timedelta(days=45), "open",
                        f"{item}: appels internationaux contestés",
                        "Je n'ai jamais appelé l'étranger ce mois-là."),)
    if rng.random() < .03:
        return (Dispute(account_no, now - timedelta(days=300), "closed",
                        f"{item}: forfait internet facturé deux fois", None),)
    return ()


def traffic_windows(holdings: Sequence[HoldingPlan],
                    now: datetime) -> list[tuple[str, datetime, datetime]]:
    """Each held MSISDN and the part of its holding period within the last 18 months."""
    earliest = now - timedelta(days=CDR_WINDOW_DAYS)
    windows = []
    for holding in holdings:
        held_from, held_until = holding.period(now)
        start, end = max(held_from, earliest), min(held_until or now, now)
        if end > start:
            windows.append((holding.msisdn, start, end))
    return windows


def draw_cdr_events(plan: SubjectPlan, handsets: tuple[Handset, ...], count: int, seed: int,
                    now: datetime) -> Iterator[CdrEvent]:
    """``count`` events spread over the plan's holding periods (last 18 months), in time order.

    Cheap per event (one ``random()`` per choice): the scale seed draws ten million of them.
    """
    rng = random.Random(f"{seed}:cdr:{plan.customer_code}")
    windows = traffic_windows(plan.holdings, now)
    total = sum((end - start).total_seconds() for _, start, end in windows)
    home = mali.cell_ids(mali.TOWNS_BY_NAME[plan.home_town])
    contacts = [mali.random_msisdn(rng) for _ in range(CONTACTS)]
    left = count
    for position, (msisdn, start, end) in enumerate(windows):
        length = (end - start).total_seconds()
        drawn = left if position == len(windows) - 1 else round(count * length / total)
        left -= drawn
        for offset in sorted([rng.random() * length for _ in range(drawn)]):
            at = start + timedelta(seconds=offset)
            spot = rng.random()
            cell = (home[int(spot / HOME_SHARE * len(home))] if spot < HOME_SHARE
                    else EVERY_CELL[int((spot - HOME_SHARE) / (1 - HOME_SHARE)
                                        * len(EVERY_CELL))])
            yield _event(rng, contacts, msisdn, at, cell, _imei_at(handsets, at))


def _imei_at(handsets: tuple[Handset, ...], at: datetime) -> str | None:
    for handset in handsets:
        if handset.used_from <= at and (handset.used_until is None or at < handset.used_until):
            return handset.imei
    return handsets[-1].imei if handsets else None


def _event(rng: random.Random, contacts: list[str], msisdn: str, at: datetime, cell: str,
           imei: str | None) -> CdrEvent:
    kind = rng.random()
    if kind >= VOICE_SHARE + SMS_SHARE:
        ip = (f"100.{64 + int(rng.random() * 64)}.{int(rng.random() * 256)}."
              f"{1 + int(rng.random() * 254)}")
        return CdrEvent(msisdn, "data", None, at, None, 20 + int(rng.random() * 79_981), cell,
                        imei, ip)
    pick = rng.random()
    counterpart = (contacts[int(pick / CONTACT_SHARE * len(contacts))] if pick < CONTACT_SHARE
                   else mali.random_msisdn(rng))
    if kind < VOICE_SHARE:
        duration = min(int(rng.expovariate(1 / 120)) + 5, 3_600)
        return CdrEvent(msisdn, "voice", counterpart, at, duration, None, cell, imei, None)
    return CdrEvent(msisdn, "sms", counterpart, at, None, None, cell, imei, None)
