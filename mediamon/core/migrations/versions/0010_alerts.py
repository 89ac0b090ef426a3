"""alerts: developments recorded once per subscription, messages, and the delivery outbox

Revision ID: 0010
Revises: 0009

mediamon.alerts records each development of a subscribed story or topic under a unique
(subscription, key), so whichever process sees it first records it and no other does; the
developments of one story are merged into a message, and each message's delivery to each target
is a row of the outbox with its attempts and last error.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mediamon.core.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_alert_messages_subscription", "alert_messages", ["subscription"])
    op.create_index("ix_alert_messages_created_at", "alert_messages", ["created_at"])
    op.create_table(
        "alert_developments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subscription", sa.String(64), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("alert_messages.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.UniqueConstraint("subscription", "key", name="uq_alert_development"),
    )
    op.create_index("ix_alert_developments_message_id", "alert_developments", ["message_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("alert_messages.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_alert_deliveries_message_id", "alert_deliveries", ["message_id"])
    op.create_index("ix_alert_deliveries_status", "alert_deliveries", ["status"])
    op.create_index("ix_alert_deliveries_next_attempt_at", "alert_deliveries", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_developments")
    op.drop_table("alert_messages")
