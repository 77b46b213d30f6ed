"""results: imported Pabulib elections and stored stability runs

Revision ID: 0007_results_import
Revises: 0006_panels
Create Date: 2026-11-28 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pb.db

revision: str = "0007_results_import"
down_revision: str | None = "0006_panels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "past_elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_data", sa.LargeBinary(), nullable=False),
        sa.Column("file_digest", sa.String(length=64), nullable=False),
        sa.Column("ballot_digest", sa.String(length=64), nullable=False),
        sa.Column("vote_type", sa.String(length=20), nullable=False),
        sa.Column("budget", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=10), nullable=False),
        sa.Column("voters", sa.Integer(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("projects", sa.JSON(), nullable=False),
        sa.Column("withdrawn", sa.Integer(), nullable=False),
        sa.Column("file_rule", sa.String(length=40), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("count_status", sa.String(length=10), nullable=False),
        sa.Column("count_error", sa.Text(), nullable=False),
        sa.Column("counted_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("imported_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_past_elections_imported_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_past_elections")),
        sa.UniqueConstraint("file_digest", name=op.f("uq_past_elections_file_digest")),
    )
    op.create_table(
        "stability_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("election_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("tie_order", sa.String(length=20), nullable=False),
        sa.Column("resamples", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("ballot_digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("wins", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("requested_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("(record_id IS NULL) <> (election_id IS NULL)", name=op.f("ck_stability_runs_one_subject")),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["past_elections.id"],
            name=op.f("fk_stability_runs_election_id_past_elections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["result_records.id"],
            name=op.f("fk_stability_runs_record_id_result_records"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_stability_runs_requested_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stability_runs")),
        sa.UniqueConstraint("election_id", "rule", name=op.f("uq_stability_runs_election_id_rule")),
        sa.UniqueConstraint("record_id", name=op.f("uq_stability_runs_record_id")),
    )


def downgrade() -> None:
    op.drop_table("stability_runs")
    op.drop_table("past_elections")
