"""result_records.tallies: each project's voters and points, stored when the result is counted

Revision ID: 0011_result_tallies
Revises: 0010_process_config_version
Create Date: 2026-11-28 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_result_tallies"
down_revision: str | None = "0010_process_config_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for records counted earlier: pb.results.services.tallies reads their ballots file instead.
    with op.batch_alter_table("result_records") as batch:
        batch.add_column(sa.Column("tallies", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("result_records") as batch:
        batch.drop_column("tallies")
