"""Where ``make test`` may write on a shared machine: its own virtual host and its own database.

The broker tier runs in the virtual host ``DSR_TEST_VHOST`` (default ``dsr-test``), never in
the broker's default one where a developer's workers live: it is created with the management
HTTP API when that answers, else with ``rabbitmqctl`` on the local node (``.ci/run`` creates it
beforehand, so a run that may use neither still works). PostgreSQL tests get a database of their
own, ``dsr_test_<random>``, created from ``DSR_TEST_DATABASE_URL`` and dropped at the end.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.request
import uuid
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import pika
import pika.exceptions
import psycopg

DEFAULT_VHOST = "dsr-test"
MANAGEMENT_PORT = 15672
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def on_vhost(amqp_url: str, vhost: str) -> str:
    """The same URL (credentials, host, query) on another virtual host."""
    parts = urlsplit(amqp_url)
    return urlunsplit(parts._replace(path="/" + quote(vhost, safe="")))


def vhost_of(amqp_url: str) -> str:
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def ensure_vhost(amqp_url: str, vhost: str) -> str | None:
    """Make ``vhost`` exist with full permissions for the URL's user; None, or why it cannot."""
    target = on_vhost(amqp_url, vhost)
    if _can_connect(target):
        return None
    tried = [_by_management_api(amqp_url, vhost), _by_rabbitmqctl(amqp_url, vhost)]
    if _can_connect(target):
        return None
    return "; ".join(why for why in tried if why) or "the virtual host refuses connections"


def _can_connect(url: str) -> bool:
    try:
        pika.BlockingConnection(pika.URLParameters(url)).close()
    except pika.exceptions.AMQPError:
        return False
    return True


def _credentials(amqp_url: str) -> tuple[str, str]:
    parts = urlsplit(amqp_url)
    return unquote(parts.username or "guest"), unquote(parts.password or "guest")


def _by_management_api(amqp_url: str, vhost: str) -> str | None:
    user, password = _credentials(amqp_url)
    host = urlsplit(amqp_url).hostname or "127.0.0.1"
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    base = f"http://{host}:{MANAGEMENT_PORT}/api"
    name = quote(vhost, safe="")
    calls = [(f"{base}/vhosts/{name}", {}),
             (f"{base}/permissions/{name}/{quote(user, safe='')}",
              {"configure": ".*", "write": ".*", "read": ".*"})]
    try:
        for address, body in calls:
            request = urllib.request.Request(
                address, data=json.dumps(body).encode(), method="PUT",
                headers={"Authorization": f"Basic {token}", "content-type": "application/json"})
            urllib.request.urlopen(request, timeout=10).close()
    except (urllib.error.URLError, OSError) as exc:
        return f"management API on {host}:{MANAGEMENT_PORT}: {type(exc).__name__}"
    return None


def _by_rabbitmqctl(amqp_url: str, vhost: str) -> str | None:
    if urlsplit(amqp_url).hostname not in LOCAL_HOSTS:
        return "rabbitmqctl manages only a broker on this machine"
    if shutil.which("rabbitmqctl") is None:
        return "rabbitmqctl is not installed"
    user, _ = _credentials(amqp_url)
    for command in (["add_vhost", vhost], ["set_permissions", "-p", vhost, user, ".*", ".*", ".*"]):
        done = subprocess.run(["rabbitmqctl", "-q", *command], capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode != 0 and "already exists" not in done.stderr + done.stdout:
            return f"rabbitmqctl {command[0]}: {done.stderr.strip()[:200]}"
    return None


def queue_names(amqp_url: str) -> list[str]:
    """Every queue of the URL's virtual host (``rabbitmqctl`` on this machine, else the
    management API); empty when neither answers."""
    return [name for name, _type in _queues(amqp_url)]


def queue_types(amqp_url: str) -> dict[str, str]:
    """Each queue of the URL's virtual host and its type (classic, quorum, stream)."""
    return dict(_queues(amqp_url))


def _queues(amqp_url: str) -> list[tuple[str, str]]:
    vhost = vhost_of(amqp_url)
    if urlsplit(amqp_url).hostname in LOCAL_HOSTS and shutil.which("rabbitmqctl"):
        done = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "type",
                               "--no-table-headers"], capture_output=True, text=True,
                              timeout=60, check=False)
        if done.returncode == 0:
            return [(line.split()[0], line.split()[-1]) for line in done.stdout.splitlines()
                    if line.strip()]
    user, password = _credentials(amqp_url)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    address = (f"http://{urlsplit(amqp_url).hostname}:{MANAGEMENT_PORT}/api/queues/"
               f"{quote(vhost, safe='')}?columns=name,type")
    try:
        request = urllib.request.Request(address, headers={"Authorization": f"Basic {token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return [(queue["name"], queue.get("type", "")) for queue in json.load(answer)]
    except (urllib.error.URLError, OSError, ValueError):
        return []


def create_database(admin_url: str) -> str:
    """A new empty database beside the one of ``admin_url``; its URL."""
    name = f"dsr_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path="/" + name))


def drop_database(admin_url: str, url: str) -> None:
    name = unquote(urlsplit(url).path[1:])
    assert name.startswith("dsr_test_"), name
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
