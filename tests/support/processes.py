"""Workers as real operating-system processes (``dsr run --worker NAME``), to kill and restart."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pika
import pika.exceptions

from services.workers import ALL, GATEWAYS

#: The saga, the stores and the audit: what a batch of requests needs to complete. The delivery
#: worker also needs an SMSC, an SMTP relay and a print room (tests/broker/test_delivery_kill.py).
SAGA_WORKERS = tuple(name for name in ALL if name not in GATEWAYS)

RETRY_DELAYS_MS = (100, 300, 1000, 2000)


class WorkerProcesses:
    """``credentials``: worker -> (broker user, password); such a worker connects as that
    user and only checks the topology (``DSR_AMQP_DECLARE=false``), which the test's
    administrator connection (``amqp_url``) must have declared. ``replicas``: processes per
    worker, competing on its queue; each is an instance named ``worker#n`` (just ``worker``
    when there is one)."""

    def __init__(self, amqp_url: str, data_dir: Path, names: tuple[str, ...] = SAGA_WORKERS,
                 database_url: str | None = None,
                 credentials: dict[str, tuple[str, str]] | None = None,
                 replicas: int = 1, env: dict[str, str] | None = None) -> None:
        self._credentials = credentials or {}
        self._env = {**os.environ, "DSR_AMQP_URL": amqp_url, "DSR_DATA_DIR": str(data_dir),
                     "DSR_LOG_LEVEL": "WARNING", "DSR_HEALTH_PORT": "0",
                     "DSR_RETRY_DELAYS_MS": json.dumps(list(RETRY_DELAYS_MS)),
                     "DSR_SIGNING_KEY": "test-deployment-key-not-a-secret", **(env or {})}
        self._env.pop("DSR_DATABASE_URL", None)
        if database_url:
            self._env["DSR_DATABASE_URL"] = database_url
        self._logs = data_dir / "logs"
        self._logs.mkdir(parents=True, exist_ok=True)
        self.running: dict[str, subprocess.Popen[bytes]] = {}
        self.names = names
        self.replicas = replicas
        self.instances = [name if replicas == 1 else f"{name}#{n}"
                          for name in names for n in range(1, replicas + 1)]
        self.kills = 0

    def start(self, instance: str) -> None:
        name = instance.partition("#")[0]
        log = (self._logs / f"{instance}.log").open("ab")
        env = dict(self._env)
        for key in ("DSR_AMQP_USER", "DSR_AMQP_PASSWORD", "DSR_AMQP_PASSWORD_FILE"):
            env.pop(key, None)
        if name in self._credentials:
            user, password = self._credentials[name]
            env.update(DSR_AMQP_USER=user, DSR_AMQP_PASSWORD=password, DSR_AMQP_DECLARE="false")
        self.running[instance] = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "run", "--no-clock", "--worker", name],
            env=env, stdout=log, stderr=log)

    def start_all(self, timeout_s: float = 60) -> None:
        """Start every instance and wait until each worker's queue has all its consumers."""
        for instance in self.instances:
            self.start(instance)
        deadline = time.monotonic() + timeout_s
        while not self._all_consuming():
            if time.monotonic() > deadline:
                exited = {i: self.log(i)[-800:] for i, p in self.running.items()
                          if p.poll() is not None}
                raise AssertionError(f"workers did not start consuming in time; exited: "
                                     f"{exited or 'none'}")
            time.sleep(0.2)

    def _all_consuming(self) -> bool:
        connection = pika.BlockingConnection(pika.URLParameters(self._env["DSR_AMQP_URL"]))
        try:
            for name in self.names:
                channel = connection.channel()
                try:
                    declared = channel.queue_declare(f"dsr.{name}", passive=True)
                except pika.exceptions.ChannelClosedByBroker:
                    return False
                if (declared.method.consumer_count or 0) < self.replicas:
                    return False
                channel.close()
            return True
        finally:
            connection.close()

    def kill(self, instance: str) -> None:
        """SIGKILL: no chance to finish, ack or flush anything."""
        process = self.running[instance]
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        self.kills += 1

    def kill_while(self, working: Callable[[], bool], rng: random.Random, kills: int,
                   timeout_s: float, pause_s: tuple[float, float] = (0.5, 2.0)) -> None:
        """While ``working()`` and for at most ``timeout_s``: every pause, SIGKILL a random
        instance and start it again, until ``kills`` were made; then just wait."""
        deadline = time.monotonic() + timeout_s
        while working() and time.monotonic() < deadline:
            time.sleep(rng.uniform(*pause_s))
            if self.kills < kills:
                victim = rng.choice(self.instances)
                self.kill(victim)
                self.start(victim)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()

    def log(self, instance: str) -> str:
        return (self._logs / f"{instance}.log").read_text(errors="replace")
