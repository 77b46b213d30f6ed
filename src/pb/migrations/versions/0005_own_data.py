"""own data: residents' notification settings

Revision ID: 0005_own_data
Revises: 0004_results
Create Date: 2026-11-28 04:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pb.db

revision: str = "0005_own_data"
down_revision: str | None = "0004_results"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("proposal_status", sa.Boolean(), nullable=False),
        sa.Column("new_comments", sa.Boolean(), nullable=False),
        sa.Column("ballot_summary", sa.Boolean(), nullable=False),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
