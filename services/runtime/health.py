"""A worker's health check, ``GET /health`` on localhost (200 when it can do its job), and
its Prometheus metrics, ``GET /metrics``.

Healthy means: connected to the broker and consuming every queue it owns, and every
database it owns answers. The body says which part is not, for the SRE reading it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.runtime.metrics import REGISTRY
from services.runtime.processor import Processor

Probe = Callable[[], dict[str, Any]]


def database_probe(processors: Sequence[Processor]) -> Probe:
    def probe() -> dict[str, Any]:
        found = {}
        for processor in processors:
            try:
                with processor.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                found[processor.worker.name] = "ok"
            except SQLAlchemyError as exc:
                found[processor.worker.name] = f"unavailable: {type(exc).__name__}"
        return found
    return probe


def report(broker: Callable[[], bool], databases: Probe) -> tuple[bool, dict[str, Any]]:
    stores = databases()
    consuming = broker()
    healthy = consuming and all(state == "ok" for state in stores.values())
    return healthy, {"status": "ok" if healthy else "unhealthy",
                     "broker": "consuming" if consuming else "not consuming",
                     "databases": stores}


def serve(port: int, broker: Callable[[], bool], databases: Probe,
          host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Start the health endpoint in a daemon thread; ``shutdown()`` the result to stop it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY))
                return
            if self.path != "/health":
                self.send_error(404)
                return
            healthy, body = report(broker, databases)
            self._send(200 if healthy else 503, "application/json", json.dumps(body).encode())

        def _send(self, status: int, content_type: str, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True, name="health").start()
    return server
