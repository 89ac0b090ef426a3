"""articles: an index on (outlet_id, id)

Revision ID: 0012
Revises: 0011

The Articles API and page list an outlet's articles newest collected first (by id); without
this index SQLite reads every article of the outlet from another outlet index and sorts them
on every request (a third of a second for an outlet at a million articles).
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_outlet_id", "articles", ["outlet_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_articles_outlet_id", table_name="articles")
