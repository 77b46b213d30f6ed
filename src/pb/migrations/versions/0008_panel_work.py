"""panels: selection, workspace, recommendations and council responses

Revision ID: 0008_panel_work
Revises: 0007_results_import
Create Date: 2026-11-28 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pb.db

revision: str = "0008_panel_work"
down_revision: str | None = "0007_results_import"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("heartbeat_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("pool", sa.JSON(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("panel_size", sa.Integer(), nullable=False),
        sa.Column("household_rule", sa.Boolean(), nullable=False),
        sa.Column("pool_sha256", sa.String(length=64), nullable=False),
        sa.Column("quotas_sha256", sa.String(length=64), nullable=False),
        sa.Column("instance_sha256", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.Text(), nullable=False),
        sa.Column("solver", sa.Text(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("run_info", sa.JSON(), nullable=False),
        sa.Column("feasibility", sa.JSON(), nullable=False),
        sa.Column("min_probability", sa.Double(), nullable=True),
        sa.Column("lottery", sa.JSON(), nullable=False),
        sa.Column("lottery_size", sa.Integer(), nullable=False),
        sa.Column("lottery_sha256", sa.String(length=64), nullable=False),
        sa.Column("lottery_rounding", sa.String(length=200), nullable=False),
        sa.Column("lottery_max_change", sa.Double(), nullable=True),
        sa.Column("lottery_published_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("random_value", sa.String(length=500), nullable=False),
        sa.Column("random_value_source", sa.Text(), nullable=False),
        sa.Column("drawn_index", sa.Integer(), nullable=True),
        sa.Column("drawn_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_panel_selections_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"], ["users.id"], name=op.f("fk_panel_selections_drawn_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_selections_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_selections")),
    )
    op.create_index(op.f("ix_panel_selections_panel_id"), "panel_selections", ["panel_id"], unique=False)
    op.create_table(
        "panel_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_link", sa.String(length=500), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("facilitator_notes", sa.Text(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_sessions_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_sessions")),
    )
    op.create_index(op.f("ix_panel_sessions_panel_id"), "panel_sessions", ["panel_id"], unique=False)
    op.create_table(
        "panel_hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("speaker", sa.String(length=200), nullable=False),
        sa.Column("affiliation", sa.String(length=300), nullable=False),
        sa.Column("declared_interests", sa.Text(), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("added_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_hearings_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_panel_hearings_session_id_panel_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_hearings")),
    )
    op.create_index(op.f("ix_panel_hearings_panel_id"), "panel_hearings", ["panel_id"], unique=False)
    op.create_table(
        "panel_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("perspective", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_panel_materials_added_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_materials_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_panel_materials_session_id_panel_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_materials")),
    )
    op.create_index(op.f("ix_panel_materials_panel_id"), "panel_materials", ["panel_id"], unique=False)
    op.create_table(
        "panel_replacements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("dropped", sa.String(length=16), nullable=False),
        sa.Column("added", sa.JSON(), nullable=False),
        sa.Column("seed", sa.String(length=600), nullable=False),
        sa.Column("reserve", sa.JSON(), nullable=False),
        sa.Column("panel_sha256", sa.String(length=64), nullable=False),
        sa.Column("replaced_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["users.id"],
            name=op.f("fk_panel_replacements_replaced_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["panel_selections.id"],
            name=op.f("fk_panel_replacements_selection_id_panel_selections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_replacements")),
    )
    op.create_index(op.f("ix_panel_replacements_selection_id"), "panel_replacements", ["selection_id"], unique=False)
    op.create_table(
        "panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=16), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("name_public", sa.Boolean(), nullable=False),
        sa.Column("joined_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("join_token_hash", sa.String(length=64), nullable=True),
        sa.Column("added_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dropped_out_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_members_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["panel_registrations.id"],
            name=op.f("fk_panel_members_registration_id_panel_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_panel_members_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
        sa.UniqueConstraint("panel_id", "pseudonym", name=op.f("uq_panel_members_panel_id_pseudonym")),
    )
    op.create_index("ix_panel_members_join_token_hash", "panel_members", ["join_token_hash"], unique=True)
    op.create_index(op.f("ix_panel_members_panel_id"), "panel_members", ["panel_id"], unique=False)
    op.create_index(op.f("ix_panel_members_registration_id"), "panel_members", ["registration_id"], unique=False)
    op.create_index(op.f("ix_panel_members_user_id"), "panel_members", ["user_id"], unique=False)
    op.create_table(
        "panel_selection_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("selection_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("pseudonym", sa.String(length=16), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("household", sa.String(length=16), nullable=False),
        sa.Column("probability", sa.Double(), nullable=True),
        sa.Column("lottery_panels", sa.Integer(), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("reserve_rank", sa.Integer(), nullable=True),
        sa.Column("on_panel", sa.Boolean(), nullable=False),
        sa.Column("dropped_out_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notified_as", sa.String(length=20), nullable=False),
        sa.Column("notified_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["panel_registrations.id"],
            name=op.f("fk_panel_selection_people_registration_id_panel_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"],
            ["panel_selections.id"],
            name=op.f("fk_panel_selection_people_selection_id_panel_selections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_selection_people")),
        sa.UniqueConstraint("selection_id", "pseudonym", name=op.f("uq_panel_selection_people_selection_id_pseudonym")),
    )
    op.create_index(
        op.f("ix_panel_selection_people_registration_id"), "panel_selection_people", ["registration_id"], unique=False
    )
    op.create_index(
        op.f("ix_panel_selection_people_selection_id"), "panel_selection_people", ["selection_id"], unique=False
    )
    op.create_table(
        "panel_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_attendance_member_id_panel_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_panel_attendance_session_id_panel_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_attendance")),
        sa.UniqueConstraint("session_id", "member_id", name=op.f("uq_panel_attendance_session_id_member_id")),
    )
    op.create_index(op.f("ix_panel_attendance_member_id"), "panel_attendance", ["member_id"], unique=False)
    op.create_index(op.f("ix_panel_attendance_session_id"), "panel_attendance", ["session_id"], unique=False)
    op.create_table(
        "panel_recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_recommendations_created_by_member_id_panel_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_recommendations_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_recommendations")),
    )
    op.create_index(op.f("ix_panel_recommendations_panel_id"), "panel_recommendations", ["panel_id"], unique=False)
    op.create_table(
        "panel_seats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["panel_members.id"], name=op.f("fk_panel_seats_member_id_panel_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["panel_sessions.id"],
            name=op.f("fk_panel_seats_session_id_panel_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_seats")),
        sa.UniqueConstraint("session_id", "member_id", name=op.f("uq_panel_seats_session_id_member_id")),
    )
    op.create_index(op.f("ix_panel_seats_member_id"), "panel_seats", ["member_id"], unique=False)
    op.create_index(op.f("ix_panel_seats_session_id"), "panel_seats", ["session_id"], unique=False)
    op.create_table(
        "panel_minority_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_minority_statements_member_id_panel_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["panel_recommendations.id"],
            name=op.f("fk_panel_minority_statements_recommendation_id_panel_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_minority_statements")),
    )
    op.create_index(
        op.f("ix_panel_minority_statements_recommendation_id"),
        "panel_minority_statements",
        ["recommendation_id"],
        unique=False,
    )
    op.create_table(
        "panel_recommendation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_panel_recommendation_comments_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_recommendation_comments_member_id_panel_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["panel_recommendations.id"],
            name=op.f("fk_panel_recommendation_comments_recommendation_id_panel_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_recommendation_comments")),
    )
    op.create_index(
        op.f("ix_panel_recommendation_comments_recommendation_id"),
        "panel_recommendation_comments",
        ["recommendation_id"],
        unique=False,
    )
    op.create_table(
        "panel_recommendation_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_recommendation_versions_member_id_panel_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["panel_recommendations.id"],
            name=op.f("fk_panel_recommendation_versions_recommendation_id_panel_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_recommendation_versions")),
        sa.UniqueConstraint(
            "recommendation_id", "number", name=op.f("uq_panel_recommendation_versions_recommendation_id_number")
        ),
    )
    op.create_index(
        op.f("ix_panel_recommendation_versions_recommendation_id"),
        "panel_recommendation_versions",
        ["recommendation_id"],
        unique=False,
    )
    op.create_table(
        "panel_recommendation_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("voted_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["panel_members.id"],
            name=op.f("fk_panel_recommendation_votes_member_id_panel_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["panel_recommendations.id"],
            name=op.f("fk_panel_recommendation_votes_recommendation_id_panel_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_recommendation_votes")),
        sa.UniqueConstraint(
            "recommendation_id", "member_id", name=op.f("uq_panel_recommendation_votes_recommendation_id_member_id")
        ),
    )
    op.create_index(
        op.f("ix_panel_recommendation_votes_member_id"), "panel_recommendation_votes", ["member_id"], unique=False
    )
    op.create_index(
        op.f("ix_panel_recommendation_votes_recommendation_id"),
        "panel_recommendation_votes",
        ["recommendation_id"],
        unique=False,
    )
    op.create_table(
        "panel_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("responsible_body", sa.String(length=300), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["panel_recommendations.id"],
            name=op.f("fk_panel_responses_recommendation_id_panel_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_panel_responses_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_responses")),
        sa.UniqueConstraint("recommendation_id", name=op.f("uq_panel_responses_recommendation_id")),
    )
    op.create_table(
        "panel_response_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_panel_response_updates_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["panel_responses.id"],
            name=op.f("fk_panel_response_updates_response_id_panel_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_response_updates")),
    )
    op.create_index(
        op.f("ix_panel_response_updates_response_id"), "panel_response_updates", ["response_id"], unique=False
    )
    op.add_column("panels", sa.Column("unselected_retention_days", sa.Integer(), server_default="30", nullable=False))
    op.add_column("panels", sa.Column("member_retention_days", sa.Integer(), server_default="365", nullable=False))
    op.add_column(
        "panels", sa.Column("recommendations_stage", sa.String(length=20), server_default="drafting", nullable=False)
    )
    op.add_column("panels", sa.Column("response_published_at", pb.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("panels", sa.Column("closed_at", pb.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("panels", sa.Column("unselected_purged_at", pb.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column("panels", sa.Column("members_purged_at", pb.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("panels") as batch:
        batch.drop_column("members_purged_at")
        batch.drop_column("unselected_purged_at")
        batch.drop_column("closed_at")
        batch.drop_column("response_published_at")
        batch.drop_column("recommendations_stage")
        batch.drop_column("member_retention_days")
        batch.drop_column("unselected_retention_days")
    op.drop_index(op.f("ix_panel_response_updates_response_id"), table_name="panel_response_updates")
    op.drop_table("panel_response_updates")
    op.drop_table("panel_responses")
    op.drop_index(op.f("ix_panel_recommendation_votes_recommendation_id"), table_name="panel_recommendation_votes")
    op.drop_index(op.f("ix_panel_recommendation_votes_member_id"), table_name="panel_recommendation_votes")
    op.drop_table("panel_recommendation_votes")
    op.drop_index(
        op.f("ix_panel_recommendation_versions_recommendation_id"), table_name="panel_recommendation_versions"
    )
    op.drop_table("panel_recommendation_versions")
    op.drop_index(
        op.f("ix_panel_recommendation_comments_recommendation_id"), table_name="panel_recommendation_comments"
    )
    op.drop_table("panel_recommendation_comments")
    op.drop_index(op.f("ix_panel_minority_statements_recommendation_id"), table_name="panel_minority_statements")
    op.drop_table("panel_minority_statements")
    op.drop_index(op.f("ix_panel_seats_session_id"), table_name="panel_seats")
    op.drop_index(op.f("ix_panel_seats_member_id"), table_name="panel_seats")
    op.drop_table("panel_seats")
    op.drop_index(op.f("ix_panel_recommendations_panel_id"), table_name="panel_recommendations")
    op.drop_table("panel_recommendations")
    op.drop_index(op.f("ix_panel_attendance_session_id"), table_name="panel_attendance")
    op.drop_index(op.f("ix_panel_attendance_member_id"), table_name="panel_attendance")
    op.drop_table("panel_attendance")
    op.drop_index(op.f("ix_panel_selection_people_selection_id"), table_name="panel_selection_people")
    op.drop_index(op.f("ix_panel_selection_people_registration_id"), table_name="panel_selection_people")
    op.drop_table("panel_selection_people")
    op.drop_index(op.f("ix_panel_members_user_id"), table_name="panel_members")
    op.drop_index(op.f("ix_panel_members_registration_id"), table_name="panel_members")
    op.drop_index(op.f("ix_panel_members_panel_id"), table_name="panel_members")
    op.drop_index("ix_panel_members_join_token_hash", table_name="panel_members")
    op.drop_table("panel_members")
    op.drop_index(op.f("ix_panel_replacements_selection_id"), table_name="panel_replacements")
    op.drop_table("panel_replacements")
    op.drop_index(op.f("ix_panel_materials_panel_id"), table_name="panel_materials")
    op.drop_table("panel_materials")
    op.drop_index(op.f("ix_panel_hearings_panel_id"), table_name="panel_hearings")
    op.drop_table("panel_hearings")
    op.drop_index(op.f("ix_panel_sessions_panel_id"), table_name="panel_sessions")
    op.drop_table("panel_sessions")
    op.drop_index(op.f("ix_panel_selections_panel_id"), table_name="panel_selections")
    op.drop_table("panel_selections")
