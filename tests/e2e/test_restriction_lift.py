"""A restriction lifted end to end: the customer's notice goes out first, the stores are
unrestricted only on a later clock tick once the notice period has elapsed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from contracts.restriction import RestrictionLiftRequested
from contracts.status import ClockTicked
from contracts.vocabulary import Right
from services.fulfilment.tables import metadata, restrictions
from services.notification.tables import outbound_messages
from simulators.crm.tables import contact_points
from tests.e2e.conftest import HarnessFactory
from tests.support.harness import App, Harness, final_count, publish, request_rows, submit
from tests.support.subjects import request_for, seeded

CODE = "CM-100005"


def restricted_rows(app: App) -> int:
    query = select(func.count()).select_from(contact_points).where(
        contact_points.c.customer_code == CODE, contact_points.c.restricted.is_(True))
    with app.engine("crm").connect() as conn:
        return int(conn.execute(query).scalar_one())


def lift_state(app: App) -> str | None:
    with app.engine("fulfilment").connect() as conn:
        found: str | None = conn.execute(select(restrictions.c.state)).scalar_one_or_none()
        return found


def notices(app: App) -> list[str]:
    with app.engine("notification").connect() as conn:
        return list(conn.execute(select(outbound_messages.c.body).where(
            outbound_messages.c.kind == "restriction_lift_notice")).scalars())


def tick(harness: Harness, days: int) -> str:
    return publish(harness, ClockTicked(now=harness.app.clock.now() + timedelta(days=days))).id


def handled_by_fulfilment(app: App, event_id: str) -> bool:
    inbox = metadata.tables["inbox"]
    with app.engine("fulfilment").connect() as conn:
        return conn.execute(select(inbox.c.message_id).where(
            inbox.c.message_id == event_id)).first() is not None


def test_the_notice_precedes_the_lift_and_the_stores_end_unrestricted(
        start: HarnessFactory) -> None:
    with start() as harness:
        seeded(harness)
        submit(harness, request_for(CODE, Right.RESTRICTION, "r-lift"))
        harness.wait_until(lambda app: final_count(app) == 1 and lift_state(app) == "active",
                           timeout_s=120)
        app = harness.app
        assert restricted_rows(app) > 0
        reference = request_rows(app)[0]["reference"]
        publish(harness, RestrictionLiftRequested(reference=reference, reason="fin du litige",
                                                  requested_by="dpo"), reference)
        harness.wait_until(lambda app: len(notices(app)) == 1)
        assert "sera levée" in notices(app)[0]
        early = tick(harness, 1)
        harness.wait_until(lambda app: handled_by_fulfilment(app, early))
        assert lift_state(app) == "announced"
        assert restricted_rows(app) > 0, "still restricted during the notice period"
        tick(harness, 8)
        harness.wait_until(lambda app: lift_state(app) == "lifted", timeout_s=60)
        assert restricted_rows(app) == 0
