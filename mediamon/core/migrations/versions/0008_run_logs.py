"""runs: the file holding the output of a scheduled run

Revision ID: 0008
Revises: 0007

The scheduler keeps each run's output in a log file of its own (see mediamon.ops.run_logs);
`mediamon status --run ID` reads it back. Runs recorded before this revision, and runs not
started by the scheduler, have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("log_path", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_column("log_path")
