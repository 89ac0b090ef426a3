"""runs: the process (pid and host name) that records each run

Revision ID: 0004
Revises: 0003

A run left 'running' by a process that no longer exists on its host was killed; knowing the
process lets the next command settle it. Rows recorded before this revision have neither.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("host")
        batch_op.drop_column("pid")
