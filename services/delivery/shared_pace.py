"""A gateway's contracted throughput held by several delivery replicas together.

The replicas share one row per gateway in delivery's PostgreSQL database: the next slot of the
contract's schedule (one every ``1 / rate``, plus the guard). Taking a slot is one statement
that hands out that slot and moves the schedule on by one interval, by the database's clock,
so the replicas' own clocks do not matter; the row's lock orders them. The slots handed out
are at least one interval apart, whichever replica takes them. A thread that comes late for
its slot loses it only beyond ``CATCH_UP`` intervals: up to that, the schedule keeps its
place and the next sends catch up (a busy moment costs no throughput), and no window of the
contract's length holds more than a few sends above the contract, as with ``throttle.Pace``.

On SQLite (one process) ``throttle.Pace`` does the same in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Engine, Interval, Update, func, literal, update
from sqlalchemy.dialects.postgresql import Insert, insert

from services.delivery.tables import gateway_paces

CATCH_UP = 2  # intervals a late thread's slot is kept for
p = gateway_paces.c
NOW = func.clock_timestamp(type_=DateTime(timezone=True))  # the database's clock, not ours


def _take(gateway: str, interval_s: float) -> Update:
    step = literal(timedelta(seconds=interval_s), Interval())
    kept = literal(timedelta(seconds=interval_s * CATCH_UP), Interval())
    return (update(gateway_paces).where(p.gateway == gateway)
            .values(next_at=func.greatest(p.next_at, NOW - kept) + step)
            .returning((p.next_at - step).label("slot"), NOW.label("now")))


def _add(gateway: str) -> Insert:
    return insert(gateway_paces).values(gateway=gateway, next_at=NOW).on_conflict_do_nothing()


@dataclass
class SharedPace:
    engine: Engine
    gateway: str  # e.g. "smsc", "smtp": one row, one contract
    interval_s: float
    sleep: Callable[[float], None] = time.sleep

    @classmethod
    def per_second(cls, engine: Engine, gateway: str, rate: float,
                   guard: float = 0.03) -> SharedPace:
        """``guard``: a share of the interval added for the jitter between taking a slot and
        the send reaching the gateway (a commit lies between them)."""
        return cls(engine, gateway, (1.0 + guard) / rate)

    @classmethod
    def per_minute(cls, engine: Engine, gateway: str, rate: float) -> SharedPace:
        return cls(engine, gateway, 60.0 / rate)

    def acquire(self) -> None:
        slot, now = self.take()
        wait = (slot - now).total_seconds()
        if wait > 0:
            self.sleep(wait)

    def take(self) -> tuple[datetime, datetime]:
        """Reserve the next slot: (the slot, the database's time now)."""
        with self.engine.begin() as db:
            row = db.execute(_take(self.gateway, self.interval_s)).first()
            if row is None:
                db.execute(_add(self.gateway))
                row = db.execute(_take(self.gateway, self.interval_s)).one()
        return row.slot, row.now
