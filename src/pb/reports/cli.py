"""`pb report outcome ROUND --lang fi --variant ua|archival -o FILE.pdf`: a round's outcome report from the command
line, the same file the staff page makes (through the same cache under PB_REPORT_CACHE_DIR).

The command reads the database directly, as staff would see the round: a round whose results are not all
published gets a report marked as a draft.
"""

from __future__ import annotations

from pathlib import Path

import click

from pb.reports import outcome
from pb.settings import LANGUAGES, Settings, SettingsError


@click.group("report")
def report() -> None:
    """PDF reports."""


@report.command("outcome")
@click.argument("slug")
@click.option("--lang", "--language", "language", default="fi", show_default=True, type=click.Choice(LANGUAGES))
@click.option(
    "--variant",
    type=click.Choice(list(outcome.VARIANTS)),
    default="ua",
    show_default=True,
    help="ua: accessible PDF/UA-1; archival: PDF/A-3a with the ballots and result records embedded.",
)
@click.option("--archival", is_flag=True, help="The same as --variant archival.")
@click.option(
    "-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF file."
)
def outcome_command(slug: str, language: str, variant: outcome.VariantName, archival: bool, out: Path | None) -> None:
    """Write the outcome report of the round SLUG as a PDF file."""
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    try:
        pdf, file_name = outcome.outcome_pdf(settings, slug, language, "archival" if archival else variant)
    except outcome.UnknownRound:
        raise click.ClickException(f"no participatory-budgeting round {slug!r}") from None
    target = out if out is not None else Path(file_name)
    target.write_bytes(pdf)
    click.echo(f"wrote {target} ({len(pdf):,} bytes)")
