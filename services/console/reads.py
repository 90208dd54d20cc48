"""What a console page shows, read from each service's own query module (never their
tables): the registry (intake), identity's review case, fulfilment's state and restriction,
the audit trail (timeline and notices), the call list (notification) and where each notice
stands (delivery)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine

from services.audit import queries as audit
from services.audit.chain import Entry
from services.audit.queries import Answered
from services.console.actions import Action, available
from services.delivery import queries as delivery
from services.fulfilment import queries as fulfilment
from services.fulfilment.queries import Fulfilment, Restriction
from services.identity import queries as identity
from services.identity.queries import ReviewCase
from services.intake import queries as intake
from services.intake.figures import OpenRequests, open_requests
from services.notification import queries as notification

NOTICE = "notification.sent.v1"


@dataclass(frozen=True)
class RequestView:
    request: dict[str, Any]
    timeline: list[Entry]
    identity: str | None
    review: ReviewCase | None
    fulfilment: Fulfilment | None
    restriction: Restriction | None
    actions: frozenset[Action]
    deliveries: list[dict[str, Any]]

    @property
    def notices(self) -> list[Entry]:
        return [e for e in self.timeline if e.event_type == NOTICE]


@dataclass(frozen=True)
class Dashboard:
    today: date
    open: OpenRequests
    month: Answered


@dataclass(frozen=True)
class Call:
    reference: str
    kinds: list[str]
    reasons: list[str]
    listed_at: datetime
    called_at: datetime | None
    called_by: str | None


def group_calls(lines: list[dict[str, Any]]) -> list[Call]:
    """Lines (one per notice kind) gathered per request and per call, oldest listed first."""
    grouped: dict[tuple[str, datetime | None], list[dict[str, Any]]] = {}
    for line in lines:
        grouped.setdefault((line["reference"], line["called_at"]), []).append(line)
    calls = [Call(reference, [g["kind"] for g in group],
                  list(dict.fromkeys(g["reason"] for g in group)),
                  min(g["listed_at"] for g in group), called_at, group[0]["called_by"])
             for (reference, called_at), group in grouped.items()]
    return sorted(calls, key=lambda c: (c.called_at is not None, c.listed_at, c.reference))


class Reads:
    def __init__(self, engines: dict[str, Engine]) -> None:
        self._engines = engines

    def engine(self, service: str) -> Engine:
        return self._engines[service]

    def page(self, wanted: intake.RequestFilter, today: date, after: tuple[date, str] | None,
             limit: int) -> list[intake.Listed]:
        return intake.request_page(self.engine("intake"), wanted, today, after, limit)

    def request(self, reference: str) -> RequestView | None:
        row = intake.request_of(self.engine("intake"), reference)
        if row is None:
            return None
        outcome = identity.outcome_of(self.engine("identity"), reference)
        done = fulfilment.fulfilment_of(self.engine("fulfilment"), reference)
        restricted = fulfilment.restriction_of(self.engine("fulfilment"), reference)
        return RequestView(row, audit.trail(self.engine("audit"), reference), outcome,
                           identity.review_case(self.engine("identity"), reference),
                           done, restricted, available(row["state"], outcome, done, restricted),
                           delivery.of_request(self.engine("delivery"), reference))

    def calls(self, include_done: bool) -> list[Call]:
        """The call list, one line per customer (a call tells them every notice held)."""
        lines = notification.calls_due(self.engine("notification"), include_done)
        return group_calls(lines)

    def letters_waiting(self) -> list[dict[str, Any]]:
        return delivery.letters_waiting(self.engine("delivery"))

    def dashboard(self, now: datetime) -> Dashboard:
        today = now.date()
        start = datetime(today.year, today.month, 1, tzinfo=UTC)
        end = datetime(today.year + today.month // 12, today.month % 12 + 1, 1, tzinfo=UTC)
        return Dashboard(today, open_requests(self.engine("intake"), today),
                         audit.answered_between(self.engine("audit"), start, end))
