"""The ``pb`` command line: run the server, migrate, load the demo, manage users."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import Any

import click

from pb.counting.cli import tally
from pb.experts.cli import experts
from pb.panels.cli import panels
from pb.reports.cli import report
from pb.settings import Settings, SettingsError
from pb.sortition.cli import sortition


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def main() -> None:
    """pb: participatory budgeting, citizen panels and lived-experience expert groups."""


# Commands over published files, so that anyone can recompute a tally or a panel selection.
main.add_command(tally)
main.add_command(sortition)
main.add_command(report)
main.add_command(experts)
main.add_command(panels)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes (needs PB_REDIS_URL).")
@click.option("--proxy-headers", is_flag=True, help="Trust X-Forwarded-For from the reverse proxy (127.0.0.1).")
def run(host: str, port: int, workers: int, proxy_headers: bool) -> None:
    """Serve the web application."""
    import uvicorn

    settings = _settings()
    if workers > 1 and settings.redis_url is None:
        raise click.ClickException("several workers share sessions and rate limits only through PB_REDIS_URL")
    click.echo(f"pb serving {settings.base_url} on http://{host}:{port}")
    uvicorn.run(
        "pb.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
        log_level="info",
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    from pb.migrate import upgrade

    upgrade(_settings().database_url)
    click.echo("database is up to date")


@db.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """(Developers) write a migration for the difference between the models and the database."""
    from pb.migrate import revision

    revision(_settings().database_url, message)


@main.command()
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet (keeps your changes).")
def demo(if_empty: bool) -> None:
    """Reset the database and load the demo municipality."""
    from pb.demo import load_demo
    from pb.migrate import reset, upgrade

    settings = _settings()
    if if_empty:
        upgrade(settings.database_url)
        if asyncio.run(_count_users(settings)) > 0:
            click.echo("the database already has accounts; demo data not loaded (run `pb demo` to reset)")
            return
    reset(settings.database_url)
    asyncio.run(load_demo(settings))
    click.echo("demo municipality loaded; the accounts and passwords are listed in the README")


async def _count_users(settings: Settings) -> int:
    from pb.accounts.services import count_users
    from pb.db import Database

    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            return await count_users(session)
    finally:
        await database.engine.dispose()


@main.group()
def user() -> None:
    """Accounts."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", default=None, help="Name shown to others (default: the email's name part).")
@click.option("--role", "roles", multiple=True, help="A staff role; repeat for several (e.g. --role admin).")
@click.option("--language", default="fi", type=click.Choice(["fi", "sv", "en"]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(
    email: str, display_name: str | None, roles: tuple[str, ...], language: str, password_stdin: bool
) -> None:
    """Create a verified account, e.g. the first admin."""
    from pb.accounts.models import Role
    from pb.web.forms import Errors, check_email, check_new_password

    errors = Errors()
    email = check_email(email, errors, "email", str)
    try:
        wanted = {Role(role) for role in roles}
    except ValueError:
        raise click.ClickException(f"roles are: {', '.join(r.value for r in Role)}") from None
    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
    check_new_password(password, errors, "password", str, email=email)
    if errors:
        raise click.ClickException("; ".join(errors.messages.values()))
    asyncio.run(_create_user(_settings(), email, display_name or email.split("@")[0], wanted, language, password))
    click.echo(f"created {email} with roles: {', '.join(sorted({'resident', *(r.value for r in wanted)}))}")


async def _create_user(
    settings: Settings, email: str, name: str, roles: set[Any], language: str, password: str
) -> None:
    from pb.accounts.models import Role
    from pb.accounts.services import create_user, get_user_by_email, password_hasher
    from pb.db import Database

    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as session:
            if await get_user_by_email(session, email) is not None:
                raise click.ClickException(f"an account with {email} already exists")
            await create_user(
                session,
                password_hasher(settings),
                email=email,
                password=password,
                display_name=name,
                roles={Role(str(role)) for role in roles},
                language=language,
            )
    finally:
        await database.engine.dispose()


@main.group()
def voting() -> None:
    """Voting maintenance."""


@voting.command("mix")
def voting_mix() -> None:
    """Rewrite the ballots table in the order of its random ids (docs/ballot-secrecy.md: physical order).

    PostgreSQL stores rows in the order they were written; run this after voting closes and before a dump
    leaves the server. On SQLite the table is always stored in id order, and VACUUM drops old page contents.
    """
    from sqlalchemy import text

    from pb.db import make_sync_engine

    engine = make_sync_engine(_settings().database_url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("CLUSTER ballots USING pk_ballots"))
        else:
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM"))
    finally:
        engine.dispose()
    click.echo("ballots rewritten in the order of their random ids")


if __name__ == "__main__":
    main()
