"""lived experience: registry, consent, assignments, confidential input, summaries, compensation

Revision ID: 0009_lived_experience
Revises: 0008_panel_work
Create Date: 2026-11-28 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pb.db

revision: str = "0009_lived_experience"
down_revision: str | None = "0008_panel_work"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_fi", sa.String(length=200), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_expert_groups_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_groups")),
    )
    op.create_table(
        "expert_registry_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("earnings_limit_cents", sa.Integer(), nullable=False),
        sa.Column("alert_percent", sa.Integer(), nullable=False),
        sa.Column("invitation_days", sa.Integer(), nullable=False),
        sa.Column("input_retention_days", sa.Integer(), nullable=False),
        sa.Column("lapsed_retention_days", sa.Integer(), nullable=False),
        sa.Column("ledger_retention_years", sa.Integer(), nullable=False),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_expert_registry_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_registry_settings")),
    )
    op.create_table(
        "expert_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("name_fi", sa.String(length=160), nullable=False),
        sa.Column("name_sv", sa.String(length=160), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["expert_groups.id"], name=op.f("fk_expert_areas_group_id_expert_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_areas")),
    )
    with op.batch_alter_table("expert_areas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_areas_group_id"), ["group_id"], unique=False)

    op.create_table(
        "expert_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("experts_wanted", sa.Integer(), nullable=False),
        sa.Column("confidentiality", sa.String(length=16), nullable=False),
        sa.Column("fee_basis", sa.String(length=16), nullable=False),
        sa.Column("fee_rate_cents", sa.Integer(), nullable=False),
        sa.Column("agreement_text", sa.Text(), nullable=False),
        sa.Column("agreement_version", sa.Integer(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_expert_assignments_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["expert_groups.id"],
            name=op.f("fk_expert_assignments_group_id_expert_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_expert_assignments_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_assignments")),
    )
    with op.batch_alter_table("expert_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_assignments_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_assignments_requested_by_id"), ["requested_by_id"], unique=False)

    op.create_table(
        "expert_consent_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("published_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["expert_groups.id"],
            name=op.f("fk_expert_consent_texts_group_id_expert_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_expert_consent_texts_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_consent_texts")),
        sa.UniqueConstraint(
            "group_id", "purpose", "version", name=op.f("uq_expert_consent_texts_group_id_purpose_version")
        ),
    )
    with op.batch_alter_table("expert_consent_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_consent_texts_group_id"), ["group_id"], unique=False)

    op.create_table(
        "expert_group_coordinators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["expert_groups.id"],
            name=op.f("fk_expert_group_coordinators_group_id_expert_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expert_group_coordinators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_group_coordinators")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_expert_group_coordinators_group_id_user_id")),
    )
    with op.batch_alter_table("expert_group_coordinators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_group_coordinators_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_group_coordinators_user_id"), ["user_id"], unique=False)

    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("invited_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("joined_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("trained", sa.Boolean(), nullable=False),
        sa.Column("training_details", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("other_languages", sa.String(length=200), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("remote_ok", sa.Boolean(), nullable=False),
        sa.Column("unavailable_until", sa.Date(), nullable=True),
        sa.Column("profile_updated_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["expert_groups.id"], name=op.f("fk_experts_group_id_expert_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_experts_pseudonym")),
    )
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experts_group_id"), ["group_id"], unique=False)

    op.create_table(
        "expert_area_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["expert_areas.id"],
            name=op.f("fk_expert_area_choices_area_id_expert_areas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_area_choices_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_area_choices")),
        sa.UniqueConstraint("expert_id", "area_id", name=op.f("uq_expert_area_choices_expert_id_area_id")),
    )
    with op.batch_alter_table("expert_area_choices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_area_choices_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_area_choices_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "expert_assignment_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("response", sa.String(length=16), nullable=False),
        sa.Column("responded_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("agreement_version", sa.Integer(), nullable=True),
        sa.Column("agreement_sha256", sa.String(length=64), nullable=True),
        sa.Column("agreement_accepted_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_assignment_invitations_assignment_id_expert_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"],
            ["experts.id"],
            name=op.f("fk_expert_assignment_invitations_expert_id_experts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_expert_assignment_invitations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_assignment_invitations")),
        sa.UniqueConstraint(
            "assignment_id", "expert_id", name=op.f("uq_expert_assignment_invitations_assignment_id_expert_id")
        ),
    )
    with op.batch_alter_table("expert_assignment_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expert_assignment_invitations_assignment_id"), ["assignment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_expert_assignment_invitations_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "expert_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("consent_text_id", sa.Integer(), nullable=False),
        sa.Column("given_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_text_id"],
            ["expert_consent_texts.id"],
            name=op.f("fk_expert_consents_consent_text_id_expert_consent_texts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_consents_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_consents")),
    )
    with op.batch_alter_table("expert_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_consents_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "expert_identities",
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("preferred_language", sa.String(length=2), nullable=False),
        sa.Column("access_needs", sa.Text(), nullable=False),
        sa.Column("invitation_hash", sa.String(length=64), nullable=True),
        sa.Column("invitation_expires_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_identities_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_expert_identities_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("expert_id", name=op.f("pk_expert_identities")),
        sa.UniqueConstraint("invitation_hash", name=op.f("uq_expert_identities_invitation_hash")),
    )
    with op.batch_alter_table("expert_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "expert_payment_details",
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("fee_preference", sa.String(length=16), nullable=False),
        sa.Column("association_name", sa.String(length=200), nullable=False),
        sa.Column("withholding_basis_points", sa.Integer(), nullable=False),
        sa.Column("has_earnings_limit", sa.Boolean(), nullable=False),
        sa.Column("earnings_limit_cents", sa.Integer(), nullable=True),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_payment_details_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("expert_id", name=op.f("pk_expert_payment_details")),
    )
    op.create_table(
        "expert_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_sessions_assignment_id_expert_assignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_sessions")),
    )
    with op.batch_alter_table("expert_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_sessions_assignment_id"), ["assignment_id"], unique=False)

    op.create_table(
        "expert_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("quotes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("check_warnings", sa.JSON(), nullable=False),
        sa.Column("warnings_reviewed", sa.Boolean(), nullable=False),
        sa.Column("revision_required", sa.Boolean(), nullable=False),
        sa.Column("signoff_requested_revision", sa.Integer(), nullable=True),
        sa.Column("participant_count", sa.Integer(), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_summaries_assignment_id_expert_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name=op.f("fk_expert_summaries_drafted_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_expert_summaries_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_summaries")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_expert_summaries_assignment_id")),
    )
    op.create_table(
        "expert_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("recorded_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_attendance_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_expert_attendance_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["expert_sessions.id"],
            name=op.f("fk_expert_attendance_session_id_expert_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_attendance")),
        sa.UniqueConstraint("session_id", "expert_id", name=op.f("uq_expert_attendance_session_id_expert_id")),
    )
    with op.batch_alter_table("expert_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_attendance_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_attendance_session_id"), ["session_id"], unique=False)

    op.create_table(
        "expert_inputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_inputs_assignment_id_expert_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_inputs_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["expert_sessions.id"],
            name=op.f("fk_expert_inputs_session_id_expert_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_inputs")),
    )
    with op.batch_alter_table("expert_inputs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_inputs_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_inputs_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "expert_ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payee", sa.String(length=16), nullable=False),
        sa.Column("association_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("withholding_basis_points", sa.Integer(), nullable=False),
        sa.Column("withheld_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("exported_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("export_batch", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_ledger_entries_assignment_id_expert_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_expert_ledger_entries_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_ledger_entries_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["expert_groups.id"],
            name=op.f("fk_expert_ledger_entries_group_id_expert_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["expert_sessions.id"],
            name=op.f("fk_expert_ledger_entries_session_id_expert_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_ledger_entries")),
    )
    with op.batch_alter_table("expert_ledger_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_ledger_entries_earned_on"), ["earned_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_ledger_entries_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_ledger_entries_group_id"), ["group_id"], unique=False)

    op.create_table(
        "expert_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["expert_assignments.id"],
            name=op.f("fk_expert_notes_assignment_id_expert_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_expert_notes_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["expert_sessions.id"],
            name=op.f("fk_expert_notes_session_id_expert_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_notes")),
    )
    with op.batch_alter_table("expert_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_notes_assignment_id"), ["assignment_id"], unique=False)

    op.create_table(
        "expert_summary_signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.id"], name=op.f("fk_expert_summary_signoffs_expert_id_experts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"],
            ["expert_summaries.id"],
            name=op.f("fk_expert_summary_signoffs_summary_id_expert_summaries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_summary_signoffs")),
    )
    with op.batch_alter_table("expert_summary_signoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_summary_signoffs_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_expert_summary_signoffs_summary_id"), ["summary_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("expert_summary_signoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_summary_signoffs_summary_id"))
        batch_op.drop_index(batch_op.f("ix_expert_summary_signoffs_expert_id"))

    op.drop_table("expert_summary_signoffs")
    with op.batch_alter_table("expert_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_notes_assignment_id"))

    op.drop_table("expert_notes")
    with op.batch_alter_table("expert_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_ledger_entries_group_id"))
        batch_op.drop_index(batch_op.f("ix_expert_ledger_entries_expert_id"))
        batch_op.drop_index(batch_op.f("ix_expert_ledger_entries_earned_on"))

    op.drop_table("expert_ledger_entries")
    with op.batch_alter_table("expert_inputs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_inputs_expert_id"))
        batch_op.drop_index(batch_op.f("ix_expert_inputs_assignment_id"))

    op.drop_table("expert_inputs")
    with op.batch_alter_table("expert_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_expert_attendance_expert_id"))

    op.drop_table("expert_attendance")
    op.drop_table("expert_summaries")
    with op.batch_alter_table("expert_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_sessions_assignment_id"))

    op.drop_table("expert_sessions")
    op.drop_table("expert_payment_details")
    with op.batch_alter_table("expert_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_identities_user_id"))

    op.drop_table("expert_identities")
    with op.batch_alter_table("expert_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_consents_expert_id"))

    op.drop_table("expert_consents")
    with op.batch_alter_table("expert_assignment_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_assignment_invitations_expert_id"))
        batch_op.drop_index(batch_op.f("ix_expert_assignment_invitations_assignment_id"))

    op.drop_table("expert_assignment_invitations")
    with op.batch_alter_table("expert_area_choices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_area_choices_expert_id"))
        batch_op.drop_index(batch_op.f("ix_expert_area_choices_area_id"))

    op.drop_table("expert_area_choices")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experts_group_id"))

    op.drop_table("experts")
    with op.batch_alter_table("expert_group_coordinators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_group_coordinators_user_id"))
        batch_op.drop_index(batch_op.f("ix_expert_group_coordinators_group_id"))

    op.drop_table("expert_group_coordinators")
    with op.batch_alter_table("expert_consent_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_consent_texts_group_id"))

    op.drop_table("expert_consent_texts")
    with op.batch_alter_table("expert_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_assignments_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_expert_assignments_group_id"))

    op.drop_table("expert_assignments")
    with op.batch_alter_table("expert_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_areas_group_id"))

    op.drop_table("expert_areas")
    op.drop_table("expert_registry_settings")
    op.drop_table("expert_groups")
