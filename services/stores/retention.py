"""Retention periods and the French reasons a store gives for what it keeps (rulebook §5).

The periods are the rulebook's *defaults*; counsel may change them, so they live here only.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time

from contracts.backoffice import StoreOutcome
from contracts.vocabulary import Action, Category

TRAFFIC_RETENTION_MONTHS = 12
ACCOUNTING_RETENTION_YEARS = 10

CONTRACT = "nécessaires à l'exécution du contrat en cours"
DEBT = "conservées tant que la dette est en cours de recouvrement"
LITIGATION = "conservées jusqu'à la clôture du litige en cours"
ACCOUNTING = ("pièces comptables conservées 10 ans après la clôture de l'exercice "
              "(obligation comptable OHADA)")
TRAFFIC = ("données de trafic conservées 12 mois après l'événement "
           "(obligation légale de conservation)")
STOLEN_DEVICE = "IMEI conservé tant que le blocage du terminal déclaré volé est actif"
LEGAL_OBLIGATION = "conservées au titre d'une obligation légale"
SUPPRESSION_LIST = "seul le refus de prospection est conservé (liste d'opposition)"
USAGE_FACTS = "relevés d'usage: un litige est ouvert"
UNSUPPORTED_DOCUMENT = ("la nouvelle valeur doit être justifiée par la pièce d'identité "
                        "vérifiée")

HOLD_REASONS = {
    "debt": DEBT,
    "litigation": LITIGATION,
    "accounting": ACCOUNTING,
    "traffic_retention": TRAFFIC,
    "stolen_device": STOLEN_DEVICE,
    "legal_obligation": LEGAL_OBLIGATION,
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (or earlier), on the month's last day if it has none."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def traffic_cutoff(now: datetime) -> datetime:
    """Traffic events at or after this moment are still under legal retention."""
    return add_months(now, -TRAFFIC_RETENTION_MONTHS)


def traffic_kept_until(newest: datetime) -> date:
    return add_months(newest, TRAFFIC_RETENTION_MONTHS).date()


def accounting_kept_until(last: date) -> date:
    """End of the financial year (the calendar year under OHADA) plus the retention years."""
    return date(last.year + ACCOUNTING_RETENTION_YEARS, 12, 31)


def accounting_cutoff(today: date) -> date:
    """Accounting records dated before this day have outlived their retention."""
    return date(today.year - ACCOUNTING_RETENTION_YEARS, 1, 1)


def aware(moment: datetime) -> datetime:
    """A command's timestamp, read as UTC when it came without a zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), UTC)


def outcome(category: Category, action: Action, records: int, reason: str | None = None,
            kept_until: date | None = None) -> StoreOutcome:
    return StoreOutcome(category=category, action=action, records=records, reason=reason,
                        kept_until=kept_until)


def retained(category: Category, records: int, hold: str,
             kept_until: date | None = None) -> StoreOutcome:
    """A ``retain`` outcome for data kept under ``hold`` (a key of ``HOLD_REASONS``)."""
    return outcome(category, Action.RETAIN, records, HOLD_REASONS[hold], kept_until)
