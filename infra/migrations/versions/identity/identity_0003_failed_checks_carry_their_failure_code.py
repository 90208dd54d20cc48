"""failed checks carry their failure code

Revision ID: identity_0003
Revises: identity_0002
Create Date: 2026-12-04 21:15:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "identity_0003"
down_revision: str | None = "identity_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A check recorded before the codes existed (a manual review still waiting reads its checks
# back) gets the code its check always failed with.
CODES = {
    "document_accepted": "document_not_accepted",
    "document_valid_on_receipt": "document_expired",
    "document_received": "document_not_received",
    "passport_mrz": "passport_mrz_invalid",
    "customer_found": "customer_not_found",
    "date_of_birth": "date_of_birth_mismatch",
    "nina": "nina_mismatch",
    "msisdn_held_on_receipt": "msisdn_not_held",
    "registration_number": "registration_number_mismatch",
    "representative_present": "representative_missing",
    "representative_document": "representative_document_invalid",
    "representative_name": "representative_name_mismatch",
    "representative_on_file": "representative_not_on_file",
    "mandate_provided": "mandate_missing",
    "manual_review": "review_not_confirmed",
}
verifications = sa.table("verifications", sa.column("reference", sa.String),
                         sa.column("checks", sa.JSON))


def _coded(check: dict[str, Any]) -> dict[str, Any]:
    if check.get("passed") or check.get("failure"):
        return check
    name = check.get("check", "")
    if name == "holder_name":
        return {**check, "failure": "name_close" if check.get("inconclusive")
                else "name_mismatch"}
    return {**check, "failure": CODES[name]} if name in CODES else check


def _rewrite(change: Any) -> None:
    conn = op.get_bind()
    for reference, checks in conn.execute(sa.select(verifications)).all():
        if not checks:
            continue
        changed = [change(c) for c in checks]
        if changed != checks:
            conn.execute(sa.update(verifications)
                         .where(verifications.c.reference == reference).values(checks=changed))


def upgrade() -> None:
    _rewrite(_coded)


def downgrade() -> None:
    _rewrite(lambda check: {k: v for k, v in check.items() if k != "failure"})
