"""`pb experts retention`: apply the lived-experience registry's retention periods (run daily, e.g. from cron).

The same as the button on the registry settings page; the run and what it deleted go to the audit log without
an actor (the system did it).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict

import click

from pb.db import Database
from pb.experts import services
from pb.experts.retention import RetentionOutcome, apply_retention
from pb.settings import Settings, SettingsError


async def _retention(settings: Settings) -> RetentionOutcome:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as db:
            return await apply_retention(
                db, await services.registry_settings(db), None, services.today(settings.timezone), "cli"
            )
    finally:
        await database.engine.dispose()


@click.group("experts")
def experts() -> None:
    """Lived-experience expert groups."""


@experts.command("retention")
def retention() -> None:
    """Delete what is past the registry's retention periods (notes, input, lapsed contact data, old ledger lines)."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    outcome = asyncio.run(_retention(settings))
    for name, count in asdict(outcome).items():
        click.echo(f"{name}: {count}")
