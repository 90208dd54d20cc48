"""The delivery edge in a test: the SMSC simulator, an aiosmtpd relay, the delivery actors on
the bus's own broker (dramatiq's StubBroker beside the embedded bus, its RabbitmqBroker on
RabbitMQ), and a way to wait until the notices have settled."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

from services.bootstrap import App, delivery_worker, task_broker
from services.delivery.actors import TaskWorker
from services.runtime.settings import Settings
from tests.support.harness import EmbeddedHarness, Harness
from tests.support.smsc import SmscSimulator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@contextmanager
def smtp_relay() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def gateway_settings(smsc: SmscSimulator, smtp_port: int) -> dict[str, object]:
    """Settings overrides that point the delivery worker at the local gateways."""
    return {"smsc_host": "127.0.0.1", "smsc_port": smsc.port, "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port, "smtp_starttls": False, "smsc_tps": 200.0,
            "delivery_min_backoff_ms": 50, "delivery_max_backoff_ms": 500,
            "smsc_throttle_wait_s": 0.05}


@dataclass
class Rig:
    harness: Harness
    tasks: TaskWorker

    def settle(self, condition: Callable[[App], bool], timeout_s: float = 90) -> None:
        """Run until ``condition`` holds: on the embedded bus, pump events and tasks."""
        deadline = time.monotonic() + timeout_s
        while not condition(self.harness.app):
            if time.monotonic() > deadline:
                raise AssertionError(f"the notices did not settle within {timeout_s} s")
            if isinstance(self.harness, EmbeddedHarness):
                self.tasks.drain(self.harness.bus)
            time.sleep(0.05)


@contextmanager
def delivering(harness: Harness, settings: Settings) -> Iterator[Rig]:
    tasks = delivery_worker(harness.app, task_broker(settings))
    tasks.start()
    try:
        yield Rig(harness, tasks)
    finally:
        tasks.stop()
        tasks.broker.close()
