"""articles: where each date came from, the page's UTC offset, rejected dates, first seen

Revision ID: 0005
Revises: 0004

Publication dates are decided by the agreement of their sources (feed, sitemap, JSON-LD, meta,
<time>, text, URL); the winning source is kept beside each date, with the page's own UTC offset
(so its day is the page's) and the dates that were not believed. ``first_seen_at`` keeps the
first fetch apart from the latest; rows stored before this revision take their fetch time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mediamon.core.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("published_utc_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_source", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("rejected_dates", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "first_seen_at", mediamon.core.models.UTCDateTime(timezone=True), nullable=True
            )
        )
    op.execute("UPDATE articles SET first_seen_at = fetched_at WHERE first_seen_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("first_seen_at")
        batch_op.drop_column("rejected_dates")
        batch_op.drop_column("updated_source")
        batch_op.drop_column("published_utc_offset")
        batch_op.drop_column("published_source")
