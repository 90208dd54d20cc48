"""CPU time of processes, from ``/proc``: what a bench's run cost each worker, PostgreSQL and
RabbitMQ (their own processes on this machine)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
SERVERS = {"postgres": "postgres", "beam.smp": "rabbitmq"}


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (``/proc/PID/stat``), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def servers_cpu() -> dict[str, float]:
    """CPU time of every PostgreSQL and RabbitMQ process on this machine, by server."""
    totals = dict.fromkeys(SERVERS.values(), 0.0)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                server = SERVERS.get((entry / "comm").read_text().strip())
            except OSError:
                continue
            if server is not None:
                totals[server] += cpu_seconds(int(entry.name))
    return totals


class CpuMeter:
    """CPU seconds each named process and each server used between ``start`` and ``stop``."""

    def __init__(self, pids: Mapping[str, int]) -> None:
        self.pids = dict(pids)
        self._before: dict[str, float] = {}

    def _now(self) -> dict[str, float]:
        now = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return now | servers_cpu()

    def start(self) -> None:
        self._before = self._now()

    def stop(self) -> dict[str, float]:
        after = self._now()
        return {name: after[name] - self._before.get(name, 0.0) for name in after}
