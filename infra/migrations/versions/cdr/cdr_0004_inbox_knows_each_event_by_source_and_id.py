"""inbox knows each event by source and id, with a digest of its content

Revision ID: cdr_0004
Revises: cdr_0003
Create Date: 2026-12-04 19:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cdr_0004"
down_revision: str | None = "cdr_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows from before keep source "" and digest "": the inbox treats them as seen for any
    # source and content, so a redelivery of an old event still does nothing twice.
    with op.batch_alter_table("inbox", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.create_primary_key("inbox_pkey", ["consumer", "source", "message_id"])


def downgrade() -> None:
    with op.batch_alter_table("inbox", recreate="always") as batch_op:
        batch_op.create_primary_key("inbox_pkey", ["consumer", "message_id"])
        batch_op.drop_column("digest")
        batch_op.drop_column("source")
