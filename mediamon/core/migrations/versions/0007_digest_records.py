"""digest_records: the stories each digest showed, per topic selection and period

Revision ID: 0007
Revises: 0006

"New since the previous digest" compares a digest with the record of the previous period of
the same topic selection and period kind, whatever format either was written in and whenever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mediamon.core.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_records",
        sa.Column("selection", sa.String(length=64), nullable=False),
        sa.Column("period_kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", mediamon.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_end", mediamon.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("story_keys", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("selection", "period_kind", "period_start"),
    )


def downgrade() -> None:
    op.drop_table("digest_records")
