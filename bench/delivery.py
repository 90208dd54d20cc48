"""SMS notices per second through the real SMPP path, beside the SMSC simulator's ceiling,
and the contracted rate held: ``python -m bench.delivery [--notices 2000] [--tps 50]``.

Three runs against the same simulator (``tests/support/smsc.py``, real PDUs on 127.0.0.1):

1. **ceiling**: one smpplib bind submitting raw submit_sm back to back (nothing else);
2. **path**: the delivery actor (dramatiq; RabbitMQ when DSR_AMQP_URL is set, else its stub
   broker) with its ledger, GSM encoding and receipts, the rate limit set out of the way;
3. **rate**: the same path with DSR_SMSC_TPS=``--tps``: the submit_sm rate the simulator saw,
   over the whole run and its busiest second, against the contract.

``--database-url``: the delivery records on PostgreSQL, and the pace the replicas share there
(``services/delivery/shared_pace.py``); by default SQLite and the in-memory pace.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import smpplib.client
from dramatiq.brokers.stub import StubBroker

from bench.flood import database
from contracts.notification import Medium, NoticeTask, NotificationKind
from services.bootstrap import bootstrap, delivery_worker, task_broker
from services.runtime.settings import Settings
from tests.support.smsc import SmscSimulator

TEXT = "Votre demande {ref} est traitée : réponse détaillée par courrier. Service clients 7400."


def ceiling(smsc: SmscSimulator, count: int) -> float:
    client = smpplib.client.Client("127.0.0.1", smsc.port, allow_unknown_opt_params=True)
    client.connect()
    client.bind_transmitter(system_id="bench", password="")
    started = time.perf_counter()
    for n in range(count):
        pdu = client.send_message(source_addr="7400", destination_addr=f"2237{n:07d}",
                                  short_message=b"ceiling")
        while True:
            answer = client.read_pdu()
            if answer.command == "submit_sm_resp" and answer.sequence == pdu.sequence:
                break
    elapsed = time.perf_counter() - started
    client.unbind()
    client.disconnect()
    return count / elapsed


def through_path(smsc: SmscSimulator, count: int, tps: float, data_dir: Path,
                 base: Settings, database_url: str | None) -> tuple[float, list[float]]:
    """Notices per second through the delivery actor; the simulator's accept times. On
    PostgreSQL (``database_url``) the pace is the replicas' shared one."""
    settings = base.model_copy(update={
        "data_dir": data_dir, "database_url": database_url, "smsc_host": "127.0.0.1",
        "smsc_port": smsc.port, "smsc_tps": tps, "smtp_host": None, "log_level": "WARNING"})
    app = bootstrap(settings, names=("delivery",), configure_logs=False)
    broker = task_broker(settings)
    tasks = delivery_worker(app, broker)
    if not isinstance(broker, StubBroker):
        broker.flush_all()
    first = len(smsc.accepted)
    for n in range(count):
        reference = f"DSR-2026-{n:06d}"
        task = NoticeTask(notice_id=f"{reference}/{tps}", reference=reference,
                          kind=NotificationKind.OUTCOME, medium=Medium.SMS,
                          recipient=f"+2237{n:07d}", body=TEXT.format(ref=reference))
        tasks.actors[Medium.SMS].send(task.model_dump(mode="json"))
    started = time.perf_counter()
    tasks.start()
    while len(smsc.accepted) - first < count:
        time.sleep(0.01)
    elapsed = time.perf_counter() - started
    tasks.stop()
    broker.close()
    app.dispose()
    return count / elapsed, [s.at for s in smsc.accepted[first:]]


def busiest_second(times: list[float]) -> int:
    ordered, best, start = sorted(times), 0, 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--tps", type=float, default=50.0)
    parser.add_argument("--rate-notices", type=int, default=500)
    parser.add_argument("--database-url", default=None, help="PostgreSQL (a database of the "
                        "run's own is made beside it): the delivery records there, and the "
                        "replicas' shared pace; default SQLite and the in-memory pace")
    args = parser.parse_args()
    base = Settings()
    smsc = SmscSimulator().start()
    with tempfile.TemporaryDirectory() as tmp, database(args.database_url) as database_url:
        raw = ceiling(smsc, args.notices)
        print(f"ceiling   raw submit_sm, one bind          {raw:8.0f} /s")
        path, _ = through_path(smsc, args.notices, 1e6, Path(tmp) / "path", base, database_url)
        print(f"path      delivery actor, {base.delivery_threads} threads, "
              f"{'RabbitMQ' if base.amqp_url else 'stub broker'}  {path:8.0f} notices/s "
              f"({path / raw:.0%} of the ceiling)")
        _, times = through_path(smsc, args.rate_notices, args.tps, Path(tmp) / "rate", base,
                                database_url)
        span = max(times) - min(times)
        seen = (len(times) - 1) / span if span else float("inf")
        print(f"rate      DSR_SMSC_TPS={args.tps:g}: the SMSC saw {seen:.2f} submit_sm/s "
              f"({(seen - args.tps) / args.tps:+.1%}), busiest second "
              f"{busiest_second(times)}, throttled {smsc.throttled}")
    smsc.stop()


if __name__ == "__main__":
    main()
