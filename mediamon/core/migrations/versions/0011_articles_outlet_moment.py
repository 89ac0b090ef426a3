"""articles: an index on (outlet_id, coalesce(published_at, fetched_at))

Revision ID: 0011
Revises: 0010

Outlet health (mediamon.ops.health.outlet_history) reads each outlet's newest articles by the
moment they appeared, its publication time or else when it was fetched; without this index
that read sorts every article of the outlet, for every outlet, on every `mediamon status`, alert
check and Outlets page (seconds on a million articles).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_articles_outlet_moment",
        "articles",
        ["outlet_id", sa.text("coalesce(published_at, fetched_at)")],
    )


def downgrade() -> None:
    op.drop_index("ix_articles_outlet_moment", table_name="articles")
