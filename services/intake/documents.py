"""The identity document's copy is hashed at the front door and goes no further."""

from __future__ import annotations

import base64
import binascii
import hashlib

from contracts.intake import DocumentSummary, IdentityDocument


def summarise(document: IdentityDocument | None) -> DocumentSummary | None:
    """The document without its copy, plus the copy's SHA-256; None if there is no readable copy."""
    if document is None or not document.copy_base64:
        return None
    try:
        content = base64.b64decode(document.copy_base64, validate=True)
    except (binascii.Error, ValueError):
        return None
    if not content:
        return None
    fields = document.model_dump(exclude={"copy_base64"})
    return DocumentSummary(**fields, copy_sha256=hashlib.sha256(content).hexdigest())
