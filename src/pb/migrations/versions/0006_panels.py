"""panels: citizens' panels, their categories and quotas, address register, invitation lottery and registrations

Revision ID: 0006_panels
Revises: 0005_own_data
Create Date: 2026-11-28 04:23:19.542916
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pb.db

revision: str = "0006_panels"
down_revision: str | None = "0005_own_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_fi", sa.String(length=200), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("remit_fi", sa.Text(), nullable=False),
        sa.Column("remit_sv", sa.Text(), nullable=False),
        sa.Column("remit_en", sa.Text(), nullable=False),
        sa.Column("description_fi", sa.Text(), nullable=False),
        sa.Column("description_sv", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("commissioner", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("tolerance", sa.Integer(), nullable=False),
        sa.Column("registration_closes_on", sa.Date(), nullable=False),
        sa.Column("first_session_on", sa.Date(), nullable=False),
        sa.Column("last_session_on", sa.Date(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("created_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_panels_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
        sa.UniqueConstraint("slug", name=op.f("uq_panels_slug")),
    )
    op.create_table(
        "panel_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("street_address", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=10), nullable=False),
        sa.Column("district", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_addresses_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_addresses")),
        sa.UniqueConstraint("panel_id", "address_key", name=op.f("uq_panel_addresses_panel_id_address_key")),
    )
    with op.batch_alter_table("panel_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_addresses_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "panel_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("name_fi", sa.String(length=120), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_categories_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_categories")),
    )
    with op.batch_alter_table("panel_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_categories_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "panel_facilitators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_facilitators_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_panel_facilitators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_facilitators")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panel_facilitators_panel_id_user_id")),
    )
    with op.batch_alter_table("panel_facilitators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_facilitators_panel_id"), ["panel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_panel_facilitators_user_id"), ["user_id"], unique=False)

    op.create_table(
        "panel_invitation_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("drawn_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.String(length=200), nullable=False),
        sa.Column("seed_generated", sa.Boolean(), nullable=False),
        sa.Column("register_sha256", sa.String(length=64), nullable=False),
        sa.Column("register_size", sa.Integer(), nullable=False),
        sa.Column("drawn_count", sa.Integer(), nullable=False),
        sa.Column("drawn_sha256", sa.String(length=64), nullable=False),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["drawn_by_id"], ["users.id"], name=op.f("fk_panel_invitation_draws_drawn_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_invitation_draws_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_invitation_draws")),
        sa.UniqueConstraint("panel_id", name=op.f("uq_panel_invitation_draws_panel_id")),
    )
    op.create_table(
        "panel_privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("published_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_privacy_notices_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_panel_privacy_notices_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_privacy_notices")),
        sa.UniqueConstraint("panel_id", "version", name=op.f("uq_panel_privacy_notices_panel_id_version")),
    )
    with op.batch_alter_table("panel_privacy_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_privacy_notices_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "panel_registers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("register_sha256", sa.String(length=64), nullable=False),
        sa.Column("addresses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_panel_registers_imported_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_registers_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_registers")),
        sa.UniqueConstraint("panel_id", name=op.f("uq_panel_registers_panel_id")),
    )
    op.create_table(
        "panel_category_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("name_fi", sa.String(length=120), nullable=False),
        sa.Column("name_sv", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("population_share", sa.Integer(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=True),
        sa.Column("max_count", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["panel_categories.id"],
            name=op.f("fk_panel_category_values_category_id_panel_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_category_values")),
    )
    with op.batch_alter_table("panel_category_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_category_values_category_id"), ["category_id"], unique=False)

    op.create_table(
        "panel_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("address_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("letter_printed_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", pb.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["address_id"],
            ["panel_addresses.id"],
            name=op.f("fk_panel_invitations_address_id_panel_addresses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_invitations_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_invitations")),
        sa.UniqueConstraint("address_id", name=op.f("uq_panel_invitations_address_id")),
        sa.UniqueConstraint("panel_id", "position", name=op.f("uq_panel_invitations_panel_id_position")),
    )
    with op.batch_alter_table("panel_invitations", schema=None) as batch_op:
        batch_op.create_index("ix_panel_invitations_code_hash", ["code_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_panel_invitations_panel_id"), ["panel_id"], unique=False)

    op.create_table(
        "panel_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("household_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("accessibility_needs", sa.Text(), nullable=False),
        sa.Column("dietary_needs", sa.Text(), nullable=False),
        sa.Column("available_all_sessions", sa.Boolean(), nullable=False),
        sa.Column("availability_notes", sa.Text(), nullable=False),
        sa.Column("willing_reserve", sa.Boolean(), nullable=False),
        sa.Column("privacy_notice_id", sa.Integer(), nullable=False),
        sa.Column("consented_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("registered_at", pb.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["panel_invitations.id"],
            name=op.f("fk_panel_registrations_invitation_id_panel_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_registrations_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["privacy_notice_id"],
            ["panel_privacy_notices.id"],
            name=op.f("fk_panel_registrations_privacy_notice_id_panel_privacy_notices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_registrations")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_panel_registrations_invitation_id")),
    )
    with op.batch_alter_table("panel_registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_registrations_panel_id"), ["panel_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("panel_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_registrations_panel_id"))

    op.drop_table("panel_registrations")
    with op.batch_alter_table("panel_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_invitations_panel_id"))
        batch_op.drop_index("ix_panel_invitations_code_hash")

    op.drop_table("panel_invitations")
    with op.batch_alter_table("panel_category_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_category_values_category_id"))

    op.drop_table("panel_category_values")
    op.drop_table("panel_registers")
    with op.batch_alter_table("panel_privacy_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_privacy_notices_panel_id"))

    op.drop_table("panel_privacy_notices")
    op.drop_table("panel_invitation_draws")
    with op.batch_alter_table("panel_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_facilitators_user_id"))
        batch_op.drop_index(batch_op.f("ix_panel_facilitators_panel_id"))

    op.drop_table("panel_facilitators")
    with op.batch_alter_table("panel_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_categories_panel_id"))

    op.drop_table("panel_categories")
    with op.batch_alter_table("panel_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_addresses_panel_id"))

    op.drop_table("panel_addresses")
    op.drop_table("panels")
