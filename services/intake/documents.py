"""Document copies are hashed at the front door and go no further (rulebook §3.4)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from contracts.intake import (
    DocumentSummary,
    IdentityDocument,
    Representative,
    RepresentativeSummary,
)


def copy_digest(copy_base64: str | None) -> str | None:
    """SHA-256 of a base64 copy; None when there is no readable copy."""
    if not copy_base64:
        return None
    try:
        content = base64.b64decode(copy_base64, validate=True)
    except (binascii.Error, ValueError):
        return None
    return hashlib.sha256(content).hexdigest() if content else None


def summarise(document: IdentityDocument | None) -> DocumentSummary | None:
    """The document without its copy, plus the copy's SHA-256; None without a readable copy."""
    digest = copy_digest(document.copy_base64) if document else None
    if document is None or digest is None:
        return None
    return DocumentSummary(**document.model_dump(exclude={"copy_base64"}), copy_sha256=digest)


def summarise_representative(person: Representative | None) -> RepresentativeSummary | None:
    if person is None:
        return None
    return RepresentativeSummary(full_name=person.full_name,
                                 identity_document=summarise(person.identity_document),
                                 mandate_sha256=copy_digest(person.mandate_base64))
