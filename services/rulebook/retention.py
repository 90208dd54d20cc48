"""Retention periods and the French reasons a store gives for what it keeps (rulebook §5).

The periods are configuration (``DSR_TRAFFIC_RETENTION_MONTHS``,
``DSR_ACCOUNTING_RETENTION_YEARS``; the rulebook's *defaults* live in ``Settings``): counsel
may change them, and the reasons the customer reads are rendered from the configured values.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from contracts.backoffice import StoreOutcome
from contracts.vocabulary import Action, Category
from services.runtime.settings import Settings

CONTRACT = "nécessaires à l'exécution du contrat en cours"
DEBT = "conservées tant que la dette est en cours de recouvrement"
LITIGATION = "conservées jusqu'à la clôture du litige en cours"
STOLEN_DEVICE = "IMEI conservé tant que le blocage du terminal déclaré volé est actif"
LEGAL_OBLIGATION = "conservées au titre d'une obligation légale"
SUPPRESSION_LIST = "seul le refus de prospection est conservé (liste d'opposition)"
UNSUPPORTED_DOCUMENT = ("la nouvelle valeur ne figure pas sur la pièce d'identité vérifiée ; "
                        "ces données ne sont modifiées que sur justificatif")


@dataclass(frozen=True)
class Retention:
    """The configured periods, and every date and reason that follows from them."""

    traffic_months: int
    accounting_years: int

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        return cls(settings.traffic_retention_months, settings.accounting_retention_years)

    def traffic_cutoff(self, now: datetime) -> datetime:
        """Traffic events at or after this moment are still under legal retention."""
        return add_months(now, -self.traffic_months)

    def traffic_kept_until(self, newest: datetime) -> date:
        return add_months(newest, self.traffic_months).date()

    def accounting_kept_until(self, last: date) -> date:
        """End of the financial year (the calendar year under OHADA) plus the years."""
        return date(last.year + self.accounting_years, 12, 31)

    def accounting_cutoff(self, today: date) -> date:
        """Accounting records dated before this day have outlived their retention."""
        return date(today.year - self.accounting_years, 1, 1)

    def reasons(self) -> dict[str, str]:
        """The customer's reason per hold (a requisition is only ``legal_obligation``)."""
        return {
            "debt": DEBT,
            "litigation": LITIGATION,
            "accounting": (f"pièces comptables conservées {self.accounting_years} ans après "
                           "la clôture de l'exercice (obligation comptable OHADA)"),
            "traffic_retention": (f"données de trafic conservées {self.traffic_months} mois "
                                  "après l'événement (obligation légale de conservation)"),
            "stolen_device": STOLEN_DEVICE,
            "legal_obligation": LEGAL_OBLIGATION,
        }

    def retained(self, category: Category, records: int, hold: str,
                 kept_until: date | None = None) -> StoreOutcome:
        """A ``retain`` outcome for data kept under ``hold`` (a key of ``reasons()``)."""
        return outcome(category, Action.RETAIN, records, self.reasons()[hold], kept_until)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (or earlier), on the month's last day if it has none."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def aware(moment: datetime) -> datetime:
    """A command's timestamp, read as UTC when it came without a zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), UTC)


def kept_for_contract(category: Category, records: int) -> StoreOutcome:
    """A ``retain`` outcome for data the running contract needs (the answer offers
    termination)."""
    return StoreOutcome(category=category, action=Action.RETAIN, records=records,
                        reason=CONTRACT, kept_for_contract=True)


def outcome(category: Category, action: Action, records: int, reason: str | None = None,
            kept_until: date | None = None) -> StoreOutcome:
    return StoreOutcome(category=category, action=action, records=records, reason=reason,
                        kept_until=kept_until)
