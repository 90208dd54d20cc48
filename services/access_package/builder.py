"""Build a request's access package from its export files: two streaming passes, three
sealed documents, one manifest. Memory holds a batch of rows and the monthly summaries."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from contracts.vocabulary import Category
from services.access_package import sealing
from services.access_package.catalogue import (
    CONTROLLER,
    RECIPIENTS,
    TRANSFERS,
    CategoryNotice,
    notices,
)
from services.access_package.documents import Document, HtmlDocument, JsonDocument, PdfDocument
from services.access_package.reading import Index, Run, export_files, index_exports, records
from services.rulebook.retention import Retention

BATCH = 500
PACKAGES = "packages"
JSON, HTML, PDF = "package.json", "package.html", "package.pdf"


@dataclass(frozen=True)
class BuiltPackage:
    directory: Path
    code: str
    expires_at: datetime
    files: tuple[str, ...]
    counts: dict[Category, int]


def package_directory(data_dir: Path, reference: str) -> Path:
    return data_dir / PACKAGES / reference


def build_package(data_dir: Path, reference: str, package_ref: str, *, now: datetime,
                  expiry_days: int, secret: bytes, retention: Retention, postal: bool = False,
                  categories: Iterable[Category] = (), pdf_max_rows: int = 2_000,
                  scrypt: tuple[int, int, int] = (sealing.SCRYPT_N, sealing.SCRYPT_R,
                                                  sealing.SCRYPT_P)) -> BuiltPackage:
    """Seal the package of ``reference`` under ``packages/<reference>/`` and return the
    one-time code that opens it. ``categories``: those the request covers (default: every
    category found in the exports); ``retention``: the configured periods the notices name."""
    index = index_exports(export_files(data_dir / package_ref))
    wording = notices(retention)
    chosen = [c for c in wording if c in set(categories) or c in index.counts]
    expires_at = now + timedelta(days=expiry_days)
    files = (JSON, HTML, PDF) if postal else (JSON, HTML)
    created, expires = now.isoformat(), expires_at.isoformat()
    header = sealing.header_bytes(reference, created, expires, files)
    data_key, code, salt = secrets.token_bytes(32), sealing.new_code(), sealing.new_salt()
    manifest = sealing.Manifest(
        reference, created, expires, files, salt, scrypt,
        sealing.wrap(sealing.code_key(code, sealing.salt_bytes(salt), *scrypt), data_key,
                     header),
        sealing.wrap(sealing.deployment_key(secret), data_key, header))
    directory = package_directory(data_dir, reference)
    directory.mkdir(parents=True, exist_ok=True)
    writers = {name: sealing.SealedWriter(directory / f"{name}.enc",
                                          sealing.file_key(data_key, name), header)
               for name in files}
    documents: list[Document] = [JsonDocument(writers[JSON]), HtmlDocument(writers[HTML])]
    if postal:
        documents.append(PdfDocument(writers[PDF], f"Vos données - {reference}", pdf_max_rows))
    try:
        _write(documents, index, [(c, wording[c]) for c in chosen],
               _meta(reference, now, expires_at))
        for document in documents:
            document.close()
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    write_manifest(directory, manifest)
    return BuiltPackage(directory, code, expires_at, files, dict(index.counts))


def rekey(data_dir: Path, reference: str, secret: bytes) -> str:
    """Give a built package a new one-time code (the first was never sent): the data key is
    recovered with the deployment key and wrapped again under the new code."""
    directory = package_directory(data_dir, reference)
    manifest = sealing.Manifest.from_json((directory / "manifest.json").read_text())
    header = manifest.header()
    data_key = sealing.unwrap(sealing.deployment_key(secret), manifest.by_deployment, header)
    code, salt = sealing.new_code(), sealing.new_salt()
    by_code = sealing.wrap(sealing.code_key(code, sealing.salt_bytes(salt), *manifest.scrypt),
                           data_key, header)
    fresh = sealing.Manifest(manifest.reference, manifest.created_at, manifest.expires_at,
                             manifest.files, salt, manifest.scrypt, by_code,
                             manifest.by_deployment)
    write_manifest(directory, fresh)
    return code


def read_manifest(directory: Path) -> sealing.Manifest:
    return sealing.Manifest.from_json((directory / "manifest.json").read_text())


def write_manifest(directory: Path, manifest: sealing.Manifest) -> None:
    partial = directory / "manifest.json.part"
    partial.write_text(manifest.to_json())
    os.replace(partial, directory / "manifest.json")


def _meta(reference: str, now: datetime, expires_at: datetime) -> dict[str, Any]:
    return {"reference": reference, "generated_on": now.strftime("%d/%m/%Y"),
            "generated_at": now.isoformat(), "expires_on": expires_at.strftime("%d/%m/%Y"),
            "expires_at": expires_at.isoformat(), "controller": CONTROLLER,
            "recipients": list(RECIPIENTS), "transfers": TRANSFERS}


def _write(documents: list[Document], index: Index,
           chosen: list[tuple[Category, CategoryNotice]], meta: dict[str, Any]) -> None:
    for document in documents:
        document.head(meta)
    for category, notice in chosen:
        summary = index.summaries.get(category)
        described = {
            "category": category.value, "label": notice.label, "contents": notice.contents,
            "source_systems": notice.source_systems, "purposes": list(notice.purposes),
            "legal_bases": notice.legal_bases, "recipients": list(RECIPIENTS),
            "retention": notice.retention, "logic": notice.logic,
            "record_count": index.counts.get(category, 0),
            "monthly_summary": summary.rows() if summary else [],
        }
        for document in documents:
            document.category_open(described)
        for run in index.runs.get(category, []):
            _write_run(documents, run)
        for document in documents:
            document.category_close()
    for document in documents:
        document.foot(meta)


def _write_run(documents: list[Document], run: Run) -> None:
    batch: list[tuple[bytes, dict[str, Any]]] = []
    opened = False
    for line in records(run):
        if not opened:
            for document in documents:
                document.table_open(run.store, run.source, list(line[1]))
            opened = True
        batch.append(line)
        if len(batch) >= BATCH:
            for document in documents:
                document.rows(batch)
            batch = []
    if batch:
        for document in documents:
            document.rows(batch)
    if opened:
        for document in documents:
            document.table_close()
