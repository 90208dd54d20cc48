"""A synthetic registry at operator scale, for the benches: requests received over the last
two months, most completed, the rest open in every state, a few past their dates."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert

from contracts.vocabulary import Channel, RequestState, Right
from services.intake.tables import requests

OPEN = [s.value for s in RequestState if not s.is_final]
CHUNK = 5_000


def synthetic(count: int, now: datetime, seed: int = 7400,
              internal_target_days: int = 5) -> Iterator[dict[str, Any]]:
    draw = random.Random(seed)
    rights, channels = [r.value for r in Right], [c.value for c in Channel]
    for number in range(1, count + 1):
        received = now - timedelta(days=draw.uniform(0, 60))
        due = (received + timedelta(days=30)).date()
        answered = received + timedelta(days=draw.uniform(0.5, 32))
        done = answered <= now and draw.random() < 0.85
        yield {"reference": f"DSR-{received.year}-{number:06d}",
               "channel": channels[0] if draw.random() < 0.8 else draw.choice(channels),
               "channel_reference": f"bench-{number}", "right": draw.choice(rights),
               "received_at": received, "due_on": due,
               "target_on": due - timedelta(days=internal_target_days),
               "state": RequestState.COMPLETED.value if done else draw.choice(OPEN),
               "reason": None, "outcomes": None, "registered_at": received,
               "updated_at": answered if done else received,
               "completed_at": answered if done else None, "escalated_at": None,
               "breached_at": answered if done and answered.date() > due else None}


def load(engine: Engine, rows: Sequence[dict[str, Any]]) -> int:
    """Replace the registry's requests with ``rows``; return how many."""
    with engine.begin() as conn:
        conn.execute(delete(requests))
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(requests), list(rows[start:start + CHUNK]))
    return len(rows)
