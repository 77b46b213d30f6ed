"""Alembic environment: runs pb's migrations on a synchronous connection (pysqlite or psycopg)."""

from __future__ import annotations

from alembic import context

from pb.migrate import include_object
from pb.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
        # Each migration runs in one transaction: on PostgreSQL a failing migration leaves nothing behind.
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("pb runs migrations against a live database only (pb db upgrade)")
run_migrations_online()
