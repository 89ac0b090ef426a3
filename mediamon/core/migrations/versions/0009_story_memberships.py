"""stories: centroids of feature weights, and why each article joined its story

Revision ID: 0009
Revises: 0008

Stories are compared with an article by the cosine of their centroid (see
mediamon.stories.grouping): story_keys gain the centroid's weight of each feature, stories its
squared length, and story_members what made each article join (``why``). Stories grouped
before this revision have no centroid: `mediamon stories regroup` rebuilds them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("norm_squared", sa.Float(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("story_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weight", sa.Float(), nullable=False, server_default="0"))
    with op.batch_alter_table("story_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("why", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("story_members", schema=None) as batch_op:
        batch_op.drop_column("why")
    with op.batch_alter_table("story_keys", schema=None) as batch_op:
        batch_op.drop_column("weight")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("norm_squared")
