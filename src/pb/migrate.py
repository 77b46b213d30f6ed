"""Schema migrations (Alembic) for the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

from pb.db import Base, make_sync_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Created by migrations with raw SQL (full-text search); not described by the models, so comparisons skip them.
DATABASE_ONLY_OBJECTS = ("proposals_fts", "ix_proposals_fts", "search_vector")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name or "").startswith(DATABASE_ONLY_OBJECTS)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def _run(database_url: str, action: str, *args: str) -> None:
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            getattr(command, action)(config, *args)
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    _run(database_url, "upgrade", revision)


def revision(database_url: str, message: str) -> None:
    """For developers: write a new migration from the difference between the models and the database."""
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config(engine)
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True)
    finally:
        engine.dispose()


def reset(database_url: str) -> None:
    """Take the database back to empty through every migration's downgrade, then migrate to the newest schema."""
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            migrated = inspect(connection).has_table("alembic_version")
            if not migrated:
                # Tables from before migrations existed (or a half-made database): drop what the models know.
                Base.metadata.drop_all(connection)
    finally:
        engine.dispose()
    if migrated:
        _run(database_url, "downgrade", "base")
    upgrade(database_url)
