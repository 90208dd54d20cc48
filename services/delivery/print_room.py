"""The print room's folder: one PDF per letter, written whole (temporary file, then rename),
and a manifest line per letter (``manifest.tsv``: notice, reference, kind, address block)."""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST = "manifest.tsv"


class PrintRoomFolder:
    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def drop(self, notice_id: str, pdf: bytes, manifest_line: str) -> str:
        self._directory.mkdir(parents=True, exist_ok=True)
        name = notice_id.replace("/", "_") + ".pdf"
        target = self._directory / name
        if not target.exists():
            partial = self._directory / f".{name}.part"
            with partial.open("wb") as out:
                out.write(pdf)
                out.flush()
                os.fsync(out.fileno())
            partial.replace(target)
        manifest = self._directory / MANIFEST
        listed = manifest.is_file() and any(
            line.split("\t", 1)[0] == notice_id for line in manifest.read_text().splitlines())
        if not listed:
            with manifest.open("a") as out:
                out.write(manifest_line.replace("\n", " ") + "\n")
                out.flush()
                os.fsync(out.fileno())
        return name
