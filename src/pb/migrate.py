"""Schema migrations (Alembic) for the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

from pb.db import Base, make_sync_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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
    """Drop every table pb knows (and Alembic's bookkeeping), then migrate from scratch."""
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            if inspect(connection).has_table("alembic_version"):
                connection.exec_driver_sql("DROP TABLE alembic_version")
    finally:
        engine.dispose()
    upgrade(database_url)
