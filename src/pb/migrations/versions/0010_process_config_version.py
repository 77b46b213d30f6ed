"""processes.config_version, raised by triggers on every change to a round's configuration

Revision ID: 0010_process_config_version
Revises: 0009_lived_experience
Create Date: 2026-11-28 07:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_process_config_version"
down_revision: str | None = "0009_lived_experience"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose rows belong to one process through a process_id column.
CHILD_TABLES = ("process_phases", "process_districts", "budgets", "themes")

SQLITE_TRIGGERS = [
    # A change to the process row itself; the nested updates below change config_version and so skip this one.
    "CREATE TRIGGER processes_config_bump AFTER UPDATE ON processes "
    "WHEN NEW.config_version = OLD.config_version "
    "BEGIN UPDATE processes SET config_version = config_version + 1 WHERE id = NEW.id; END",
    *(
        statement
        for table in CHILD_TABLES
        for statement in (
            f"CREATE TRIGGER {table}_config_insert AFTER INSERT ON {table} "
            "BEGIN UPDATE processes SET config_version = config_version + 1 WHERE id = NEW.process_id; END",
            f"CREATE TRIGGER {table}_config_update AFTER UPDATE ON {table} "
            "BEGIN UPDATE processes SET config_version = config_version + 1 "
            "WHERE id IN (OLD.process_id, NEW.process_id); END",
            f"CREATE TRIGGER {table}_config_delete AFTER DELETE ON {table} "
            "BEGIN UPDATE processes SET config_version = config_version + 1 WHERE id = OLD.process_id; END",
        )
    ),
    *(
        f"CREATE TRIGGER ballot_projects_config_{event.lower()} AFTER {event} ON ballot_projects "
        "BEGIN UPDATE processes SET config_version = config_version + 1 WHERE id IN "
        f"(SELECT process_id FROM budgets WHERE id IN ({rows})); END"
        for event, rows in (
            ("INSERT", "NEW.budget_id"),
            ("UPDATE", "OLD.budget_id, NEW.budget_id"),
            ("DELETE", "OLD.budget_id"),
        )
    ),
]

POSTGRESQL_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION pb_process_config_own() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF NEW.config_version = OLD.config_version THEN NEW.config_version := OLD.config_version + 1; END IF; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER processes_config_bump BEFORE UPDATE ON processes "
    "FOR EACH ROW EXECUTE FUNCTION pb_process_config_own()",
    "CREATE OR REPLACE FUNCTION pb_process_config_child() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP <> 'INSERT' THEN "
    "UPDATE processes SET config_version = config_version + 1 WHERE id = OLD.process_id; END IF; "
    "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.process_id IS DISTINCT FROM OLD.process_id) THEN "
    "UPDATE processes SET config_version = config_version + 1 WHERE id = NEW.process_id; END IF; "
    "RETURN NULL; END $$",
    *(
        f"CREATE TRIGGER {table}_config_bump AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION pb_process_config_child()"
        for table in CHILD_TABLES
    ),
    "CREATE OR REPLACE FUNCTION pb_process_config_project() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP <> 'INSERT' THEN UPDATE processes SET config_version = config_version + 1 "
    "WHERE id = (SELECT process_id FROM budgets WHERE id = OLD.budget_id); END IF; "
    "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.budget_id IS DISTINCT FROM OLD.budget_id) THEN "
    "UPDATE processes SET config_version = config_version + 1 "
    "WHERE id = (SELECT process_id FROM budgets WHERE id = NEW.budget_id); END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER ballot_projects_config_bump AFTER INSERT OR UPDATE OR DELETE ON ballot_projects "
    "FOR EACH ROW EXECUTE FUNCTION pb_process_config_project()",
]


def upgrade() -> None:
    with op.batch_alter_table("processes") as batch_op:
        batch_op.add_column(sa.Column("config_version", sa.Integer(), server_default="0", nullable=False))
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        names = [
            "processes_config_bump",
            "ballot_projects_config_insert",
            "ballot_projects_config_update",
            "ballot_projects_config_delete",
        ]
        names += [f"{table}_config_{event}" for table in CHILD_TABLES for event in ("insert", "update", "delete")]
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS processes_config_bump ON processes")
        op.execute("DROP TRIGGER IF EXISTS ballot_projects_config_bump ON ballot_projects")
        for table in CHILD_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_config_bump ON {table}")
        for function in ("pb_process_config_own", "pb_process_config_child", "pb_process_config_project"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table("processes") as batch_op:
        batch_op.drop_column("config_version")
