"""A tiny worker for testing the runtime itself: credits an account, once."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Column, Integer, String, Table, func, insert, select

from contracts.envelope import CloudEvent, Message
from services.runtime.database import service_metadata
from services.runtime.delivery import Delivery
from services.runtime.deps import Deps
from services.runtime.errors import Reject, RetryLater
from services.runtime.processor import Processor
from services.runtime.routing import Worker, on


class Credit(Message):
    message_type: ClassVar[str] = "test.credit.v1"
    account: str
    amount: int


class Credited(Message):
    message_type: ClassVar[str] = "test.credited.v1"
    account: str


metadata = service_metadata()
credits = Table("credits", metadata, Column("id", Integer, primary_key=True),
                Column("account", String(20)), Column("amount", Integer))
attempts = Table("attempts", metadata, Column("account", String(20), primary_key=True),
                 Column("count", Integer))
FLAKY_FAILURES = 2


def credit(message: Credit, deps: Deps) -> None:
    """``closed`` is rejected, ``busy`` always fails, ``flaky-*`` fails twice then succeeds."""
    if message.account == "closed":
        raise Reject("account closed")
    if message.account == "busy":
        raise RetryLater("account locked")
    if message.account.startswith("flaky") and _failures_so_far(deps, message.account) < \
            FLAKY_FAILURES:
        raise RetryLater("not yet")
    deps.db.execute(insert(credits).values(account=message.account, amount=message.amount))
    deps.publish(Credited(account=message.account))


def _failures_so_far(deps: Deps, account: str) -> int:
    """Counted outside the handler's transaction, which rolls back when it raises."""
    engine = deps.db.engine
    with engine.begin() as conn:
        seen = conn.execute(select(attempts.c.count).where(attempts.c.account == account))
        count = seen.scalar_one_or_none()
        if count is None:
            conn.execute(insert(attempts).values(account=account, count=1))
            return 0
        conn.execute(attempts.update().where(attempts.c.account == account)
                     .values(count=count + 1))
        return int(count)


WORKER = Worker(name="ledger", tables=metadata, routes=(on(Credit, credit),))


def delivery(message: Message, attempt: int = 1, event_id: str | None = None) -> Delivery:
    event = CloudEvent.wrap(message, source="test", event_id=event_id)
    return Delivery(body=event.to_json(), routing_key=event.type,
                    headers={"x-dsr-attempt": attempt})


def credit_rows(processor: Processor) -> list[str]:
    with processor.engine.connect() as conn:
        return [r.account for r in conn.execute(select(credits.c.account))]


def count_credits(processor: Processor) -> int:
    with processor.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(credits)).scalar_one())
