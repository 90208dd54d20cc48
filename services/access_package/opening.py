"""Opening a package at the customer-service desk: the code sent by SMS, before expiry."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from services.access_package import sealing
from services.access_package.builder import read_manifest


class PackageRefused(Exception):
    """Why the package is not opened, in words the desk can read out."""


def open_package(directory: Path, code: str, output: Path, now: datetime) -> list[Path]:
    """Decrypt every document of the package into ``output``; refuse an expired package,
    a wrong code, or an altered file (nothing partial is left behind)."""
    if not (directory / "manifest.json").is_file():
        raise PackageRefused(f"aucun dossier {directory.name}")
    manifest = read_manifest(directory)
    expires_at = datetime.fromisoformat(manifest.expires_at)
    if now >= expires_at:
        raise PackageRefused(f"le dossier {manifest.reference} a expiré le "
                             f"{expires_at.strftime('%d/%m/%Y')}")
    header = manifest.header()
    try:
        key = sealing.code_key(code, sealing.salt_bytes(manifest.salt), *manifest.scrypt)
        data_key = sealing.unwrap(key, manifest.by_code, header)
    except sealing.SealError as error:
        raise PackageRefused("code incorrect pour ce dossier") from error
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in manifest.files:
        target = output / name
        partial = output / f"{name}.part"
        try:
            with partial.open("wb") as file:
                for chunk in sealing.opened_chunks(directory / f"{name}.enc",
                                                   sealing.file_key(data_key, name), header):
                    file.write(chunk)
        except sealing.SealError as error:
            partial.unlink(missing_ok=True)
            raise PackageRefused(f"le dossier est altéré ({error})") from error
        partial.replace(target)
        written.append(target)
    return written
