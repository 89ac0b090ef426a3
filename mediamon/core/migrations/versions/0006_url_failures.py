"""url_failures and listing_validators: failure memory of pages, conditional GETs of listings

Revision ID: 0006
Revises: 0005

A page that failed is retried with exponential backoff and given up after a limit, instead of
requested again by every spider of every crawl; sitemaps and section pages keep their ETag and
Last-Modified as feeds do.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import mediamon.core.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "url_failures",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("outlet_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "first_failed_at", mediamon.core.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_failed_at", mediamon.core.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("retry_at", mediamon.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source_url", sa.String(length=2048), nullable=True),
        sa.PrimaryKeyConstraint("url"),
    )
    with op.batch_alter_table("url_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_url_failures_outlet_id"), ["outlet_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_url_failures_retry_at"), ["retry_at"], unique=False)
    op.create_table(
        "listing_validators",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("outlet_id", sa.String(length=64), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=128), nullable=True),
        sa.Column("followed", sa.JSON(), nullable=False),
        sa.Column("saved_at", mediamon.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url"),
    )
    with op.batch_alter_table("listing_validators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_listing_validators_outlet_id"), ["outlet_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("listing_validators")
    op.drop_table("url_failures")
