"""A three-node RabbitMQ cluster on this machine, for the fault tier: three more
``rabbitmq-server`` nodes on their own ports and directories, joined, and stopped after.

It needs this machine's RabbitMQ installation (``rabbitmq-server``, ``rabbitmqctl``) and the
rights to run it (root, which starts the nodes as the ``rabbitmq`` user); the machine's own
broker on 5672 is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FIRST_PORT = 5682


@dataclass
class Node:
    name: str
    port: int
    base: Path

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class Cluster:
    nodes: list[Node] = field(default_factory=list)

    def start(self, size: int = 3) -> None:
        root = Path(tempfile.mkdtemp(prefix="dsr-cluster-"))
        root.chmod(0o755)
        for n in range(size):
            base = root / f"node{n + 1}"
            base.mkdir()
            (base / "enabled_plugins").write_text("[].\n")
            self.nodes.append(Node(f"dsr-test-{n + 1}@localhost", FIRST_PORT + n, base))
        _give_to_rabbitmq(root)
        for node in self.nodes:
            subprocess.run(["rabbitmq-server", "-detached"], env=_env(node), check=True,
                           capture_output=True, timeout=60)
        for node in self.nodes:
            _await_startup(node)
        for node in self.nodes[1:]:
            ctl(node, "stop_app")
            ctl(node, "join_cluster", self.nodes[0].name)
            ctl(node, "start_app")

    def stop_node(self, node: Node) -> None:
        """The node goes away as a crashed host would: the whole Erlang node stops."""
        ctl(node, "stop")

    def running(self) -> list[str]:
        """The cluster's running nodes, as the last node sees them."""
        status = json.loads(ctl(self.nodes[-1], "cluster_status", "--formatter", "json"))
        return [n.name for n in self.nodes if n.name in status["running_nodes"]]

    def stop(self) -> None:
        for node in self.nodes:
            ctl(node, "stop", check=False)
        if self.nodes:
            shutil.rmtree(self.nodes[0].base.parent, ignore_errors=True)


def ctl(node: Node, *args: str, check: bool = True) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", "-n", node.name, *args], env=_env(node),
                          check=False, capture_output=True, text=True, timeout=240)
    if check and done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {node.name}: "
                           f"{done.stderr.strip()[-500:]}")
    return done.stdout


def _await_startup(node: Node, timeout_s: float = 240) -> None:
    """``rabbitmq-server -detached`` returns before the node answers, and ``await_startup``
    gives up at once on a node it cannot reach yet: ask again until it answers."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            ctl(node, "await_startup", "--timeout", "60")
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


def _env(node: Node) -> dict[str, str]:
    return {**os.environ,
            "RABBITMQ_NODENAME": node.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(node.port),
            "RABBITMQ_DIST_PORT": str(node.port + 20000),
            "RABBITMQ_MNESIA_BASE": str(node.base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(node.base / "log"),
            "RABBITMQ_PID_FILE": str(node.base / "pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(node.base / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(node.base / "rabbitmq")}


def _give_to_rabbitmq(root: Path) -> None:
    """The server drops to the ``rabbitmq`` user when started as root: let it write there."""
    if os.geteuid() != 0 or shutil.which("chown") is None:
        return
    subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(root)], check=False)


def available() -> str | None:
    """Why a local cluster cannot be started here, or None."""
    for tool in ("rabbitmq-server", "rabbitmqctl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


def wait(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} after {timeout_s:.0f} s")
        time.sleep(0.5)
