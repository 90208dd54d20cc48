"""One RabbitMQ user per service, with only the permissions the topology plan says it needs.

RabbitMQ checks, per virtual host, three regular expressions on resource names: *configure*
(declare, delete), *write* (publish to an exchange, bind a queue) and *read* (consume from a
queue, bind from an exchange); and, on topic exchanges, a *write* expression on the routing
key of every published message and a *read* expression on binding keys.

- **Workers** (``dsr-<worker>``) configure nothing: the topology is imported by an
  administrator (``infra/rabbitmq/definitions.json``) and the worker only checks that it
  exists (``DSR_AMQP_DECLARE=false``). A worker reads only its own queue, writes only the
  exchanges it publishes to, and on each topic exchange only the routing keys its handlers
  publish (``publishes=`` in its ``routes.py``) — plus, on ``dsr.runtime``, the keys of its own
  delay and dead-letter queues.
- A worker that runs **dramatiq actors** (``tasks``: the delivery worker) may also declare
  its actors' queues (dramatiq declares them on start, with the same arguments as the
  imported topology), read them, and write the default exchange: dramatiq moves a retried
  task through its delay queue (``<queue>.DQ``) by publishing to it there.
- **Clients** (``dsr-callcentre``, ``dsr-backoffice``, ``dsr-clock``, ``dsr-operator``)
  publish their few message types; the ones that ask for a status or follow status events
  may declare their own exclusive reply queues (``dsr.cli.*``, server-named ``amq.gen-*``).
- **``dsr-admin``** declares the topology and administers the broker.

Passwords never live in the repository: the checked-in definitions carry an empty
``password_hash`` (no password logs in) and ``dsr topology --with-passwords`` fills in
hashes from the environment or secret files at deployment time.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.envelope import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from services.runtime.amqp import topology
from services.runtime.amqp.topology import RUNTIME_EXCHANGE, dead_letter_key, retry_key
from services.runtime.routing import Publication, Worker
from services.runtime.tasks import TASKS_EXCHANGE

DEFAULT_EXCHANGE = "amq.default"
TOPIC_EXCHANGES = (EVENTS_EXCHANGE, COMMANDS_EXCHANGE, RUNTIME_EXCHANGE, TASKS_EXCHANGE)
NOTHING = "^$"
EVERYTHING = ".*"
REPLY_QUEUES = ("dsr.cli.", "amq.gen-")  # prefixes of a client's own exclusive queues
HASHING = "rabbit_password_hashing_sha256"


@dataclass(frozen=True)
class TopicGrant:
    exchange: str
    write: str
    read: str


@dataclass(frozen=True)
class Grant:
    """What one broker user may do in the virtual host."""

    user: str
    purpose: str
    configure: str
    write: str
    read: str
    topics: tuple[TopicGrant, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def principal(self) -> str:
        """The name without the ``dsr-`` prefix: the key of its password."""
        return self.user.removeprefix("dsr-")


def user_name(principal: str) -> str:
    return f"dsr-{principal}"


def names(*resources: str) -> str:
    """A regex matching exactly these resource names (``^$`` for none)."""
    if not resources:
        return NOTHING
    return "^(" + "|".join(re.escape(r) for r in sorted(set(resources))) + ")$"


def prefixes(*starts: str) -> str:
    return "^(" + "|".join(re.escape(s) + ".*" for s in starts) + ")$"


def topic_regex(patterns: Iterable[str]) -> str:
    """A regex matching the routing keys that AMQP topic ``patterns`` match (``^$``: none)."""
    alternatives = sorted({_topic_to_regex(p) for p in patterns})
    if not alternatives:
        return NOTHING
    return "^(" + "|".join(alternatives) + ")$"


def _topic_to_regex(pattern: str) -> str:
    words = []
    for word in pattern.split("."):
        words.append({"*": r"[^.]+", "#": r".*"}.get(word, re.escape(word)))
    return r"\.".join(words)


def _either(*regexes: str) -> str:
    """Union of anchored regexes of the form ``^(…)$``."""
    parts = [r[2:-2] for r in regexes if r != NOTHING]
    return "^(" + "|".join(parts) + ")$" if parts else NOTHING


def _topic_grants(publications: Iterable[Publication], extra: dict[str, list[str]],
                  reads: dict[str, list[str]] | None = None) -> tuple[TopicGrant, ...]:
    """A grant on every topic exchange: an exchange without one would allow any key."""
    by_exchange: dict[str, list[str]] = {e: list(extra.get(e, [])) for e in TOPIC_EXCHANGES}
    for publication in publications:
        by_exchange[publication.exchange].append(publication.pattern)
    return tuple(TopicGrant(e, topic_regex(keys), topic_regex((reads or {}).get(e, [])))
                 for e, keys in by_exchange.items())


def worker_grant(worker: Worker, replies: bool = False) -> Grant:
    """``replies``: it answers request/reply queries through the default exchange."""
    publications = worker.publishes or ()
    runtime_keys = [retry_key(worker, "*"), dead_letter_key(worker)]  # any retry tier
    exchanges = {p.exchange for p in publications} | {RUNTIME_EXCHANGE}
    if replies or worker.tasks:
        exchanges.add(DEFAULT_EXCHANGE)
    task_queues = [q.name for name in worker.tasks for q in topology.task_queues(name)]
    return Grant(
        user=user_name(worker.name),
        purpose=f"the {worker.name} worker",
        configure=names(*task_queues),
        write=names(*exchanges),
        read=names(worker.queue, *task_queues),
        topics=_topic_grants(publications, {RUNTIME_EXCHANGE: runtime_keys}),
    )


def client_grant(name: str, purpose: str, publications: tuple[Publication, ...],
                 observes: tuple[str, ...] = (), asks_status: bool = False,
                 dead_letter_queues: tuple[str, ...] = ()) -> Grant:
    own = prefixes(*REPLY_QUEUES) if (observes or asks_status) else NOTHING
    exchanges = names(*{p.exchange for p in publications})
    observed = names(EVENTS_EXCHANGE) if observes else NOTHING
    return Grant(
        user=user_name(name),
        purpose=purpose,
        configure=own,
        write=_either(exchanges, own),
        read=_either(observed, own, names(*dead_letter_queues)),
        topics=_topic_grants(publications, {}, {EVENTS_EXCHANGE: list(observes)}),
    )


def admin_grant() -> Grant:
    return Grant(user=user_name("admin"), purpose="declares the topology; administers",
                 configure=EVERYTHING, write=EVERYTHING, read=EVERYTHING,
                 tags=("administrator",))


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


PasswordLookup = Callable[[Grant], str | None]


def passwords_from_environment(directory: Path | None = None) -> PasswordLookup:
    """``DSR_BROKER_PASSWORD_<PRINCIPAL>``, else the file ``<directory>/amqp-<principal>``."""

    def lookup(grant: Grant) -> str | None:
        variable = "DSR_BROKER_PASSWORD_" + grant.principal.upper().replace("-", "_")
        if variable in os.environ:
            return os.environ[variable]
        if directory is not None and (directory / f"amqp-{grant.principal}").is_file():
            return (directory / f"amqp-{grant.principal}").read_text().strip()
        return None

    return lookup


def to_definitions(grants: Iterable[Grant], vhost: str = "/",
                   passwords: PasswordLookup | None = None) -> dict[str, Any]:
    """Users, permissions and topic permissions of a RabbitMQ definitions document.

    Without ``passwords`` every ``password_hash`` is empty: such a user cannot log in with
    a password until an operator sets one (``rabbitmqctl change_password``) or the document
    is generated again with the passwords.
    """
    users: list[dict[str, Any]] = []
    permissions: list[dict[str, str]] = []
    topics: list[dict[str, str]] = []
    for grant in grants:
        password = passwords(grant) if passwords is not None else None
        users.append({"name": grant.user, "password_hash": password_hash(password)
                      if password else "", "hashing_algorithm": HASHING,
                      "tags": list(grant.tags), "limits": {}})
        permissions.append({"user": grant.user, "vhost": vhost, "configure": grant.configure,
                            "write": grant.write, "read": grant.read})
        topics.extend({"user": grant.user, "vhost": vhost, "exchange": t.exchange,
                       "write": t.write, "read": t.read} for t in grant.topics)
    return {"users": users, "permissions": permissions, "topic_permissions": topics}
