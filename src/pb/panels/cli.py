"""`pb panels purge`: delete the panels' personal data whose retention period has ended (run it daily from cron)."""

from __future__ import annotations

import asyncio

import click

from pb.db import Database
from pb.panels.retention import purge_due
from pb.settings import Settings


async def _purge(settings: Settings) -> list[str]:
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as db:
            done = await purge_due(db)
    finally:
        await database.engine.dispose()
    return [
        f"{slug}: {step}: {item.registrations} registrations, {item.addresses} addresses, {item.members} members"
        for slug, step, item in done
    ]


@click.group("panels")
def panels() -> None:
    """Citizens' panels."""


@panels.command("purge")
def purge() -> None:
    """Delete the personal data of panels whose retention period has ended."""
    lines = asyncio.run(_purge(Settings.from_env()))
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} deletions")
