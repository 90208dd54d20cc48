"""The access package as the notification worker issues it: built from the stores' export
files, or given a new code when an earlier attempt built it but rolled back before its code
was sent (the exports are then gone). The exports, plaintext, are removed once sealed."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from contracts.vocabulary import Category
from services.access_package.builder import (
    build_package,
    package_directory,
    read_manifest,
    rekey,
)
from services.access_package.reading import ExportError
from services.rulebook.retention import Retention
from services.runtime.errors import Reject
from services.runtime.settings import Settings

EXPORTS = "exports"


@dataclass(frozen=True)
class Issued:
    code: str
    expires_at: datetime

    @property
    def expires_on(self) -> str:
        return self.expires_at.strftime("%d/%m/%Y")


def issue(settings: Settings, reference: str, package_ref: str, *, now: datetime,
          postal: bool, categories: Iterable[Category]) -> Issued:
    exports = _exports(settings, package_ref)
    if exports.is_dir():
        try:
            built = build_package(
                settings.data_dir, reference, package_ref, now=now,
                expiry_days=settings.package_expiry_days, secret=settings.command_key,
                retention=Retention.of(settings),
                postal=postal, categories=categories,
                pdf_max_rows=settings.package_pdf_max_rows)
        except ExportError as error:  # malformed or unmasked: retrying will not mend it
            raise Reject(f"the access package of {reference} was not built: {error}") from error
        return Issued(built.code, built.expires_at)
    if (package_directory(settings.data_dir, reference) / "manifest.json").is_file():
        code = rekey(settings.data_dir, reference, settings.command_key)
        return Issued(code, expires_at(settings, reference))
    raise Reject(f"the exports of {reference} are missing and no package was built")


def expires_at(settings: Settings, reference: str) -> datetime:
    manifest = read_manifest(package_directory(settings.data_dir, reference))
    return datetime.fromisoformat(manifest.expires_at)


def expiry_of(settings: Settings, reference: str) -> str:
    return expires_at(settings, reference).strftime("%d/%m/%Y")


def discard_exports(settings: Settings, package_ref: str) -> None:
    shutil.rmtree(_exports(settings, package_ref), ignore_errors=True)


def _exports(settings: Settings, package_ref: str) -> Path:
    """``exports/<reference>`` under the data directory, and nowhere else."""
    root = (settings.data_dir / EXPORTS).resolve()
    path = (settings.data_dir / package_ref).resolve()
    if not path.is_relative_to(root) or path == root:
        raise Reject(f"package_ref {package_ref!r} is not an export directory")
    return path
