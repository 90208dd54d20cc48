"""Monthly summaries of the network's records (CDR, location, IMEI), accumulated row by row:
memory grows with the months and the towns, never with the rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from contracts.vocabulary import Category

TIME_FIELD = "started_at"
KIND_LABELS = {"voice": "appels", "sms": "SMS", "data": "sessions internet"}


@dataclass
class Month:
    events: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    duration_s: int = 0
    volume_kb: int = 0
    towns: set[str] = field(default_factory=set)
    imeis: set[str] = field(default_factory=set)


@dataclass
class MonthlySummary:
    """One category's records, month by month (``YYYY-MM`` of ``started_at``, UTC)."""

    category: Category
    months: dict[str, Month] = field(default_factory=dict)

    def add(self, record: dict[str, Any]) -> None:
        moment = record.get(TIME_FIELD)
        if not isinstance(moment, str):
            return
        month = self.months.setdefault(moment[:7], Month())
        month.events += 1
        if self.category is Category.CONNECTION_USAGE:
            month.kinds[str(record.get("kind"))] += 1
            month.duration_s += int(record.get("duration_s") or 0)
            month.volume_kb += int(record.get("volume_kb") or 0)
        elif self.category is Category.LOCATION and record.get("town"):
            month.towns.add(str(record["town"]))
        elif self.category is Category.DEVICE and record.get("imei"):
            month.imeis.add(str(record["imei"]))

    def rows(self) -> list[dict[str, Any]]:
        """The summary as plain data, oldest month first (the JSON document's form)."""
        found = []
        for key in sorted(self.months):
            month = self.months[key]
            row: dict[str, Any] = {"month": key, "events": month.events}
            if self.category is Category.CONNECTION_USAGE:
                row |= {"by_kind": dict(sorted(month.kinds.items())),
                        "duration_s": month.duration_s, "volume_kb": month.volume_kb}
            elif self.category is Category.LOCATION:
                row["towns"] = sorted(month.towns)
            elif self.category is Category.DEVICE:
                row["distinct_imeis"] = len(month.imeis)
            found.append(row)
        return found
