"""``python -m services.contract_files [--check]`` (``make contracts``): write the contract
files, or check they are current.

The schemas come from the models in ``contracts/``; which side of each message the product is
on comes from the routes, never restated: a message is *received* when only the outside
parties publish it (the call centre, the back office, the clock: ``services/clients.py``; the
back-office stores: their ``routes.py``), and a route that replies names its answer (a query
that cannot be read is answered ``QueryRefused`` by the runtime, whatever the route).
"""

from __future__ import annotations

import re
import sys

from contracts.catalog import MESSAGES
from contracts.envelope import Message
from contracts.generate import Roles, main, words
from contracts.status import QueryRefused
from services.clients import CLIENTS
from services.runtime.routing import Publication
from services.workers import ALL, STORES, workers


def roles() -> Roles:
    outside = [p for c in CLIENTS if not c.dead_letters for p in c.publishes]
    outside += [p for w in workers(STORES) for p in w.publishes or ()]
    replies = {route.message: (route.replies, QueryRefused)
               for w in workers(ALL) for route in w.routes if route.replies is not None}
    return Roles(received=frozenset(m for m in MESSAGES if _published_by(m, outside)),
                 replies=replies)


def _published_by(message: type[Message], publications: list[Publication]) -> bool:
    return any(p.allows(message.exchange, sample_type(message)) for p in publications)


def sample_type(message: type[Message]) -> str:
    """A concrete type of ``message``: each ``{placeholder}`` filled with its first word."""
    return re.sub(r"\{(\w+)\}", lambda found: (words(message, found[1]) or ["x"])[0],
                  message.message_type)


if __name__ == "__main__":
    sys.exit(main(roles()))
