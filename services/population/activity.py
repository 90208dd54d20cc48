"""What subscribers do: handsets, bills and payments, holds, and call/SMS/data events."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from services.population import mali
from services.population.demo import DEBT, LITIGATION, REQUISITION, STOLEN_DEVICE, SubjectPlan
from services.population.records import (
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
    Subject,
)

CDR_WINDOW_DAYS = 548  # about 18 months of traffic, so some of it has outlived retention
BILLING_MONTHS = 24
STOLEN_DAYS_AGO = 60
KINDS, KIND_WEIGHTS = ("voice", "sms", "data"), (45, 30, 25)
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


def draw_cdr_events(subject: Subject, per_subscriber: int, seed: int,
                    now: datetime) -> Iterator[CdrEvent]:
    """``per_subscriber`` events spread over the subject's holding periods (last 18 months)."""
    rng = random.Random(f"{seed}:cdr:{subject.customer_code}")
    windows = _windows(subject, now)
    total = sum((end - start).total_seconds() for _, start, end in windows)
    home = mali.cell_ids(mali.TOWNS_BY_NAME[subject.home_town])
    everywhere = [cell for town in mali.TOWNS for cell in mali.cell_ids(town)]
    left = per_subscriber
    for position, (msisdn, start, end) in enumerate(windows):
        length = (end - start).total_seconds()
        count = left if position == len(windows) - 1 else round(per_subscriber * length / total)
        left -= count
        moments = sorted(start + timedelta(seconds=rng.random() * length) for _ in range(count))
        for at in moments:
            cell = rng.choice(home) if rng.random() < .85 else rng.choice(everywhere)
            yield _event(rng, msisdn, at, cell, _imei_at(subject.handsets, at))


def _windows(subject: Subject, now: datetime) -> list[tuple[str, datetime, datetime]]:
    earliest = now - timedelta(days=CDR_WINDOW_DAYS)
    windows = []
    for sub in subject.subscriptions:
        start, end = max(sub.held_from, earliest), min(sub.held_until or now, now)
        if end > start:
            windows.append((sub.msisdn, start, end))
    return windows


def _imei_at(handsets: tuple[Handset, ...], at: datetime) -> str | None:
    for handset in handsets:
        if handset.used_from <= at and (handset.used_until is None or at < handset.used_until):
            return handset.imei
    return handsets[-1].imei if handsets else None


def _event(rng: random.Random, msisdn: str, at: datetime, cell: str,
           imei: str | None) -> CdrEvent:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    if kind == "data":
        ip = f"100.{rng.randrange(64, 128)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        return CdrEvent(msisdn, kind, None, at, None, rng.randint(20, 80_000), cell, imei, ip)
    duration = min(int(rng.expovariate(1 / 120)) + 5, 3_600) if kind == "voice" else None
    return CdrEvent(msisdn, kind, mali.random_msisdn(rng), at, duration, None, cell, imei, None)
