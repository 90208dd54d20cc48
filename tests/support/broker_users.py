"""The least-privilege users of ``dsr topology`` on the test broker, in a virtual host of their own.

Each run gets a fresh virtual host (other tests and other runs on the same broker keep their
queues and consumers), every ``dsr-*`` user with a throwaway password and the generated
permissions and topic permissions on that virtual host, and the broker's administrator of
``DSR_AMQP_URL`` with full permissions there to declare the topology. It is all imported
with one ``rabbitmqctl import_definitions`` (the management plugin may not be enabled) and
deleted afterwards. ``rabbitmqctl`` talks to the local node, so the broker must run on this
machine and this process must be allowed to run ``rabbitmqctl`` (root here, as in CI).
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pika
import pika.exceptions

from services.cli.definitions import grants
from services.runtime.amqp import permissions

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def unavailable_because(amqp_url: str) -> str | None:
    """Why users cannot be managed on this broker from here, or None."""
    if urlsplit(amqp_url).hostname not in LOCAL_HOSTS:
        return "the broker is not on this machine (rabbitmqctl manages the local node)"
    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not installed"
    probe = subprocess.run(["rabbitmqctl", "-q", "list_users"], capture_output=True,
                           text=True, timeout=60, check=False)
    if probe.returncode != 0:
        return f"rabbitmqctl cannot reach the node: {probe.stderr.strip()[:200]}"
    return None


@dataclass(frozen=True)
class BrokerUsers:
    admin_url: str  # the administrator of DSR_AMQP_URL, on the test virtual host
    vhost: str
    passwords: dict[str, str]

    def url(self, user: str) -> str:
        return with_user(self.admin_url, user, self.passwords[user])


def with_user(amqp_url: str, user: str, password: str, vhost: str | None = None) -> str:
    parts = urlsplit(amqp_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    netloc += f":{parts.port}" if parts.port else ""
    path = parts.path if vhost is None else "/" + quote(vhost, safe="")
    return urlunsplit(parts._replace(netloc=netloc, path=path))


@contextmanager
def least_privilege_users(amqp_url: str) -> Iterator[BrokerUsers]:
    vhost = f"dsr-test-{uuid.uuid4().hex[:8]}"
    admin = unquote(urlsplit(amqp_url).username or "guest")
    passwords = {g.user: secrets.token_urlsafe(18) for g in grants()}
    document = permissions.to_definitions(grants(), vhost=vhost,
                                          passwords=lambda g: passwords[g.user])
    document["vhosts"] = [{"name": vhost}]
    document["users"] = [u for u in document["users"] if u["name"] != admin]
    document["permissions"].append({"user": admin, "vhost": vhost, "configure": ".*",
                                    "write": ".*", "read": ".*"})
    # On standard input: given a file, the node (another OS user) would have to read it.
    subprocess.run(["rabbitmqctl", "-q", "import_definitions", "--format", "json"],
                   input=json.dumps(document), text=True, check=True, capture_output=True,
                   timeout=120)
    users = BrokerUsers(with_user(amqp_url, admin, unquote(urlsplit(amqp_url).password or ""),
                                  vhost), vhost, passwords)
    try:
        _wait_until_login(users.url(document["users"][-1]["name"]))
        yield users
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], capture_output=True,
                       timeout=120, check=False)
        for user in passwords:
            subprocess.run(["rabbitmqctl", "-q", "delete_user", user], capture_output=True,
                           timeout=60, check=False)


def _wait_until_login(url: str, timeout_s: float = 60) -> None:
    """The import is asynchronous: wait until the last user can log in."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            pika.BlockingConnection(pika.URLParameters(url)).close()
            return
        except (pika.exceptions.AMQPConnectionError, pika.exceptions.ChannelClosedByBroker):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
