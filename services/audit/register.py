"""The register the regulator may ask for: one row per request received in a period.

Reference, right, channel, receipt, due date, completion, result, outcome per category,
deadline breaches, and when a gateway first took the answer (the answer counts as given
then). Nothing else: no personal data beyond the reference.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, select

from services.audit.tables import register

CSV_COLUMNS = ("reference", "right", "channel", "received_at", "due_on", "completed_at",
               "result", "identity", "outcomes", "escalated", "breached", "breach_recorded_at",
               "completed_late", "package_destroyed_at", "answer_sent_at")
REVIEWED = {"retried": "fulfilment failed, retried after review",
            "closed": "fulfilment failed, closed after review"}


@dataclass(frozen=True)
class Outcome:
    store: str
    category: str
    action: str
    records: int
    kept_until: str | None = None
    reason: str | None = None

    def text(self) -> str:
        words = f"{self.store}/{self.category}: {self.action} ({self.records})"
        if self.kept_until:
            words += f" until {self.kept_until}"
        return words + (f" - {self.reason}" if self.reason else "")


@dataclass(frozen=True)
class RegisterRow:
    reference: str
    right: str | None
    channel: str | None
    received_at: datetime
    due_on: date | None
    completed_at: datetime | None
    result: str | None
    identity: str | None
    outcomes: list[Outcome] = field(default_factory=list)
    escalated: bool = False
    breached: bool = False
    breach_recorded_at: datetime | None = None
    completed_late: bool = False
    package_destroyed_at: datetime | None = None
    answer_sent_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.completed_at is None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("received_at", "completed_at", "breach_recorded_at", "due_on",
                    "package_destroyed_at", "answer_sent_at"):
            value = data[key]
            data[key] = value.isoformat() if value is not None else None
        return data

    def as_csv(self) -> dict[str, str]:
        data = self.as_json()
        data["outcomes"] = "; ".join(o.text() for o in self.outcomes)
        for key in ("escalated", "breached", "completed_late"):
            data[key] = "yes" if data[key] else "no"
        return {key: "" if data[key] is None else str(data[key]) for key in CSV_COLUMNS}


def _row(values: Mapping[str, Any]) -> RegisterRow:
    due, completed = values["due_on"], values["completed_at"]
    answered = values.get("answer_sent_at") or completed  # given when sent (rulebook §2.5)
    late = bool(due and answered and answered.date() > due)
    return RegisterRow(
        reference=values["reference"], right=values["right"], channel=values["channel"],
        received_at=values["received_at"], due_on=due, completed_at=completed,
        result=_result(values), identity=values["identity"],
        outcomes=[Outcome(**o) for o in values["outcomes"] or []],
        escalated=values["escalated_at"] is not None,
        breached=values["breached_at"] is not None or late,
        breach_recorded_at=values["breached_at"], completed_late=late,
        package_destroyed_at=values["package_destroyed_at"],
        answer_sent_at=values.get("answer_sent_at"),
    )


def _result(values: Mapping[str, Any]) -> str | None:
    """The state, and what became of a failed fulfilment: in review, retried or closed."""
    state: str | None = values["state"]
    review = values["fulfilment_review"]
    if review in REVIEWED:
        return f"{state} ({REVIEWED[review]})"
    if values["fulfilment_failed"] and state not in {"completed", "closed", "withdrawn"}:
        return f"{state} (fulfilment failed)"
    return state


def rows(db: Connection, start: date, end: date) -> list[RegisterRow]:
    """Requests received from ``start`` to ``end`` inclusive (UTC dates), by receipt."""
    t = register.c
    since = datetime.combine(start, time(), UTC)
    until = datetime.combine(end + timedelta(days=1), time(), UTC)
    query = (select(register).where(t.received_at >= since, t.received_at < until)
             .order_by(t.received_at, t.reference))
    return [_row(dict(r._mapping)) for r in db.execute(query)]


def to_csv(register_rows: Iterable[RegisterRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in register_rows:
        writer.writerow(row.as_csv())
    return out.getvalue()


def to_json(register_rows: Iterable[RegisterRow], start: date, end: date,
            generated_at: datetime) -> str:
    requests = [row.as_json() for row in register_rows]
    document = {
        "register": "personal-data rights requests",
        "period": {"from": start.isoformat(), "to": end.isoformat(), "on": "receipt date"},
        "generated_at": generated_at.isoformat(),
        "requests": requests,
        "totals": {
            "requests": len(requests),
            "open": sum(r["completed_at"] is None for r in requests),
            "breached": sum(bool(r["breached"]) for r in requests),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export(db: Connection, start: date, end: date, fmt: str,
           generated_at: datetime) -> tuple[str, list[RegisterRow]]:
    """The register for the period in ``fmt`` (``csv`` or ``json``), and its rows."""
    found = rows(db, start, end)
    if fmt == "csv":
        return to_csv(found), found
    if fmt == "json":
        return to_json(found, start, end, generated_at), found
    raise ValueError(f"unknown register format {fmt!r}; choose csv or json")
