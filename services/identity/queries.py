"""What the back office reads from identity: a request waiting for a person's decision.

Only while the outcome is ``manual_review``: the claim and the document's fields are kept
until the decision and dropped with it, so nothing is shown after verification.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Engine, select

from contracts.identity import CheckResult
from services.identity.checks import Decision
from services.identity.tables import verifications


class ReviewCase(NamedTuple):
    reference: str
    right: str
    document_kind: str | None
    document: dict[str, Any]
    copy_sha256: str | None
    checks: list[CheckResult]


def review_case(engine: Engine, reference: str) -> ReviewCase | None:
    """The document's fields and each check's result, while the request waits for review."""
    v = verifications.c
    with engine.connect() as conn:
        row = conn.execute(select(verifications).where(v.reference == reference)).first()
    if row is None or row.outcome != Decision.MANUAL_REVIEW.value:
        return None
    document = dict((row.pending_claim or {}).get("document") or {})
    digest = document.pop("copy_sha256", None)
    return ReviewCase(row.reference, row.right, row.document_kind, document, digest,
                      [CheckResult.model_validate(c) for c in row.checks or []])


def outcome_of(engine: Engine, reference: str) -> str | None:
    """Where identity stands for the request (verified, rejected, manual_review, …)."""
    with engine.connect() as conn:
        return conn.execute(select(verifications.c.outcome)
                            .where(verifications.c.reference == reference)).scalar_one_or_none()
