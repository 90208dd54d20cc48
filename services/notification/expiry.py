"""Access packages do not outlive their expiry (rulebook §6, data minimisation).

Each package issued is recorded with its expiry (``packages``). On every clock tick the
notification worker deletes each package whose expiry has passed, with any plaintext export
of the request still lying about, marks it destroyed and publishes
``notification.package-destroyed.v1`` (the audit keeps it in the register). Idempotent: a row
is destroyed once; if the transaction is lost after the files went, the next tick finds the
row still due, deletes nothing more and records it. A package found on disk without a row
(issued before this record existed) is adopted from its manifest.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update

from contracts.notification import PackageDestroyed
from contracts.status import ClockTicked
from services.access_package.builder import PACKAGES, package_directory, read_manifest
from services.notification.packages import EXPORTS
from services.notification.tables import packages
from services.runtime.deps import Deps


def remember(deps: Deps, reference: str, expires_at: datetime) -> None:
    """Record an issued package's expiry (once: a re-keyed package keeps its expiry)."""
    known = deps.db.execute(select(packages.c.reference)
                            .where(packages.c.reference == reference)).first()
    if known is None:
        deps.db.execute(insert(packages).values(reference=reference, expires_at=expires_at))


def destroy_expired(tick: ClockTicked, deps: Deps) -> None:
    _adopt_unrecorded(deps)
    t = packages.c
    due = deps.db.execute(select(packages).where(t.destroyed_at.is_(None),
                                                 t.expires_at <= tick.now)
                          .order_by(t.expires_at)).all()
    for row in due:
        _delete_files(deps.settings.data_dir, row.reference)
        deps.db.execute(update(packages).where(t.reference == row.reference)
                        .values(destroyed_at=deps.now()))
        deps.publish(PackageDestroyed(reference=row.reference, expired_at=row.expires_at,
                                      destroyed_at=deps.now()), subject=row.reference)


def _delete_files(data_dir: Path, reference: str) -> None:
    shutil.rmtree(package_directory(data_dir, reference), ignore_errors=True)
    shutil.rmtree(data_dir / EXPORTS / reference, ignore_errors=True)


def _adopt_unrecorded(deps: Deps) -> None:
    root = deps.settings.data_dir / PACKAGES
    if not root.is_dir():
        return
    found = {d.name: d for d in root.iterdir() if (d / "manifest.json").is_file()}
    known = set(deps.db.execute(select(packages.c.reference)
                                .where(packages.c.reference.in_(found))).scalars())
    for name in sorted(found.keys() - known):
        directory = found[name]
        manifest = read_manifest(directory)
        if manifest.reference == directory.name:
            remember(deps, directory.name, datetime.fromisoformat(manifest.expires_at))
