"""Keep the workers connected: declare the topology, run sessions, reconnect with backoff.

A broker restart closes the session; the runner opens a new one and consumes again, so a
consumer never silently stops. With several nodes (``DSR_AMQP_NODES``) a connection that fails
or drops moves on to the next node, so a worker whose node dies reconnects to another.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pika
import structlog
from pika.exceptions import AMQPError

from services.runtime.amqp import topology
from services.runtime.amqp.connection import node_parameters
from services.runtime.amqp.session import AmqpSession
from services.runtime.errors import describe
from services.runtime.processor import Processor
from services.runtime.settings import Settings

log = structlog.get_logger()


def declare_topology(settings: Settings, processors: list[Processor],
                     nodes: list[pika.URLParameters] | None = None) -> None:
    """Declare the workers' topology, or (``DSR_AMQP_DECLARE=false``) check that it exists,
    on the first node of ``nodes`` that answers."""
    connection = pika.BlockingConnection(nodes or node_parameters(settings))
    try:
        plan = topology.plan([p.worker for p in processors], settings)
        if settings.amqp_declare:
            topology.declare(connection.channel(), plan)
        else:
            topology.check_declared(connection.channel(), plan)
    finally:
        if connection.is_open:
            connection.close()


class AmqpRunner:
    def __init__(self, settings: Settings, processors: list[Processor]) -> None:
        assert settings.amqp_url, "DSR_AMQP_URL is not set"
        self._settings = settings
        self._processors = processors
        self._nodes = node_parameters(settings)
        self._executors = {p.worker.name: ThreadPoolExecutor(1, thread_name_prefix=p.worker.name)
                           for p in processors}
        self._stop = threading.Event()
        self._session: AmqpSession | None = None
        self.connected = threading.Event()

    def run(self) -> None:
        """Block until ``stop``; survive broker restarts."""
        backoff = 0.5
        while not self._stop.is_set():
            node = self._nodes[0]
            try:
                declare_topology(self._settings, self._processors, [node])
                self._session = AmqpSession(node, self._processors, self._executors,
                                            self._settings, on_ready=self.connected.set)
                self._session.run()
                if self._session.was_open:
                    backoff = 0.5
            except (AMQPError, OSError) as exc:
                log.warning("amqp.unavailable", error=describe(exc), node=node.host,
                            retry_in_s=backoff)
            self.connected.clear()
            self._nodes.append(self._nodes.pop(0))  # the next attempt tries the next node
            if self._stop.wait(backoff):
                break
            backoff = min(backoff * 2, self._settings.reconnect_max_s)
        for executor in self._executors.values():
            executor.shutdown(wait=True)

    def stop(self) -> None:
        self._stop.set()
        if self._session is not None:
            self._session.stop()
