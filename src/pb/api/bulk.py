"""Participation figures as open data, and the bulk download of a round whose results are published.

The ZIP holds, for one round: README.txt (what each file is, the licence), process.json, projects.csv,
results.csv, participation.csv, and for every budget its current published result as the results page serves it
(``results/<round>-<budget>.json``) with its anonymised ballots (``results/<round>-<budget>.pb``), so that
``pb tally`` recomputes every result from the download alone (docs/verify-results.md).

Participation counts are published with the public page's small-cell suppression (pb.participation.statistics):
a suppressed count is left empty and says why. Nothing here identifies a person.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import anyio.to_thread
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from pb.api import outcomes
from pb.api import services as api
from pb.participation import services as participation
from pb.participation.statistics import SMALL_COUNT, Breakdown, Key, Shown, Statistics
from pb.processes import services as processes
from pb.processes.models import Process
from pb.results import services as results
from pb.settings import Settings

BREAKDOWNS = ("budget", "district", "age_band", "channel", "day", "hour")


def _key(key: Key) -> int | str | None:
    return key.isoformat() if isinstance(key, date) else key


def _breakdown(breakdown: Breakdown, *, small_total: bool) -> dict[str, Any]:
    cells = None if small_total else breakdown.protected()
    if cells is None:
        # Rule 3 of pb.participation.statistics: the breakdown would give a small count away.
        return {"published": False, "lines": []}
    lines = []
    for line, cell in zip(breakdown.lines, cells, strict=True):
        lines.append(
            {
                "key": _key(line.key),
                "voters": cell.value if cell.is_published else None,
                "shown": cell.shown.value,
                "eligible": line.eligible,
                # Rule 4: a turnout next to a suppressed count would give the count away.
                "turnout": round(line.turnout, 4) if cell.is_published and line.turnout is not None else None,
            }
        )
    return {"published": True, "lines": lines}


def participation_from(process: Process, figures: Statistics, urls: api.Urls) -> dict[str, Any]:
    small_total = figures.voters < SMALL_COUNT
    turnout = figures.turnout
    return {
        "process": process.slug,
        "small_count": SMALL_COUNT,
        "voters": None if small_total else figures.voters,
        "voters_shown": Shown.SMALL.value if small_total else Shown.YES.value,
        "eligible": figures.eligible or None,
        "turnout": None if small_total or turnout is None else round(turnout, 4),
        "breakdowns": {
            "budget": _breakdown(figures.by_budget, small_total=small_total),
            "district": _breakdown(figures.by_district, small_total=small_total),
            "age_band": _breakdown(figures.by_age, small_total=small_total),
            "channel": _breakdown(figures.by_channel, small_total=small_total),
            "day": _breakdown(figures.by_day, small_total=small_total),
            "hour": _breakdown(figures.by_hour, small_total=small_total),
        },
        "links": {
            "self": urls.api(f"/processes/{process.slug}/participation"),
            "page": urls.page(f"/processes/{process.slug}/participation"),
        },
    }


async def participation_document(db: AsyncSession, slug: str, urls: api.Urls) -> dict[str, Any]:
    """The public participation figures, from the first day of voting (as the public page); 404 before."""
    now = processes.now()
    process = await participation.get_process_for_public_figures(db, None, slug, now)
    return participation_from(process, await participation.statistics_for(db, process, now), urls)


# --- the ZIP --------------------------------------------------------------------------------------------------

# OWASP "CSV Injection": a cell that begins with one of these is a formula to a spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """RFC 4180 CSV: comma-separated, quoted where needed, CRLF line ends, UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def projects_csv(projects: Sequence[dict[str, Any]], budget_names: dict[int, str]) -> str:
    header = (
        "project_id",
        "budget_id",
        "budget_name_fi",
        "proposal_id",
        "title",
        "cost_cents",
        "status",
        "voters",
        "points",
        "funded_position",
        "implementation_status",
        "actual_cost_cents",
    )
    rows = []
    for item in projects:
        result = item["result"] or {}
        implementation = item["implementation"] or {}
        rows.append(
            (
                item["id"],
                item["budget_id"],
                budget_names.get(item["budget_id"], ""),
                item["proposal_id"],
                item["title"],
                item["cost_cents"],
                item["status"],
                result.get("voters"),
                result.get("points"),
                result.get("position"),
                implementation.get("status"),
                implementation.get("actual_cost_cents"),
            )
        )
    return csv_text(header, rows)


def results_csv(records: Sequence[dict[str, Any]]) -> str:
    header = (
        "record_id",
        "budget_id",
        "budget_name_fi",
        "rule",
        "variant",
        "voters",
        "selected_project_ids",
        "total_cost_eur",
        "ballots_file",
        "ballots_file_sha256",
        "ballot_digest",
        "lot_seed",
        "published_at",
    )
    rows = [
        (
            record["record"],
            record["budget"]["id"],
            record["budget"]["name_fi"],
            record["rule"],
            record["variant"],
            record["ballots"]["voters"],
            " ".join(record["selected"]),
            record["total_cost"],
            record["ballots"]["file"],
            record["ballots"]["sha256"],
            record["ballots"]["digest"],
            record["lot"]["seed"],
            record["published_at"],
        )
        for record in records
    ]
    return csv_text(header, rows)


def participation_csv(figures: dict[str, Any]) -> str:
    header = ("breakdown", "key", "voters", "shown", "eligible", "turnout")
    rows: list[Sequence[Any]] = [
        ("total", "", figures["voters"], figures["voters_shown"], figures["eligible"], figures["turnout"])
    ]
    for name in BREAKDOWNS:
        breakdown = figures["breakdowns"][name]
        if not breakdown["published"]:
            rows.append((name, "", None, "not_published", None, None))
        for line in breakdown["lines"]:
            rows.append((name, line["key"], line["voters"], line["shown"], line["eligible"], line["turnout"]))
    return csv_text(header, rows)


README = """{name}: open data of a participatory budgeting round
{underline}

Published by {municipality} under the Creative Commons Attribution 4.0 International licence (CC BY 4.0,
https://creativecommons.org/licenses/by/4.0/). You may copy, share and adapt the data for any purpose, also
commercially, if you name the source: "{attribution}".

Round: {slug} ({page})
The same data as JSON: {api} (documented at {openapi})

Files (CSV files are RFC 4180: UTF-8, comma-separated, a header row, CRLF line ends; money is in euro cents
unless the column says euros; times are UTC in ISO 8601; empty means "none"):

process.json         The round: phases, districts with their eligible population, budgets, themes.
projects.csv         Every project on the ballot: its cost, how many voters chose it (points for ranked and
                     cumulative ballots), whether the published result funded it and how its implementation
                     is going. status is funded or not_funded.
results.csv          The current published result of each budget: the counting rule, the funded projects in
                     the order the rule selected them, and the digests of the ballots file it counted.
participation.csv    Distinct voters in total and by budget, home district, age band, way of voting, day and
                     hour of the first vote, with turnout against the eligible population. Counts under {small}
                     are suppressed (shown = small) and further cells hidden where a small count could be
                     worked out from the others (shown = hidden); a breakdown that cannot be published without
                     revealing a small count is not published at all (shown = not_published).
results/*.pb         The anonymised ballots each result counted, in the Pabulib format (pabulib.org/format):
                     no voter data, voters numbered 1, 2, ... in an order that says nothing about them.
results/*.json       Each result record: the rule, its parameters, the lot and its seed, the software
                     versions and the selected projects, to recompute the result from the .pb file:
                     pb tally results/<file>.pb --rule <rule> --ties default --json

Cells of text that begin with =, +, -, @ or a tab start with an apostrophe, so that a spreadsheet program
does not read them as formulas (OWASP, "CSV Injection").
"""


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    # A fixed time (the last publication) keeps the archive byte-identical while nothing changes, so that its
    # ETag does too. ZIP times have no zone; these are UTC.
    info = zipfile.ZipInfo(name, date_time=moment.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def zip_bytes(files: Sequence[tuple[str, str]], moment: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files:
            archive.writestr(_entry(name, moment), text.encode("utf-8"))
    return buffer.getvalue()


async def bulk_download(db: AsyncSession, slug: str, settings: Settings, urls: api.Urls) -> tuple[str, bytes]:
    """The file name and bytes of a round's ZIP; 404 until every budget's result is published."""
    process = await processes.get_process_for(db, None, slug)
    if not await results.results_published(db, process):
        raise NotFoundException("The bulk download is published when the results of this round are out.")
    current = await results.published_records(db, process)
    process_document = await api.get_process(db, slug, urls)
    projects = await outcomes.project_documents(db, await outcomes.project_rows_of(db, process), urls)
    records = []
    files: list[tuple[str, str]] = []
    for budget in process.budgets:
        record = current[budget.id]
        document = await outcomes.record_document(db, process, budget, record, record.id, urls)
        records.append(document)
        staff = await results.user_names(db, [record.computed_by_id, record.published_by_id])
        # The same bytes as the results page's downloads, so that their digests can be compared.
        plain = results.record_document(
            process, budget, record, staff.get(record.computed_by_id or 0), staff.get(record.published_by_id or 0)
        )
        name = results.file_name(process, budget).removesuffix(".pb")
        files.append((f"results/{name}.json", results.record_json(plain)))
        files.append((f"results/{name}.pb", record.ballots_file))
    figures = participation_from(process, await participation.statistics_for(db, process, processes.now()), urls)
    readme = README.format(
        name=process.name_fi,
        underline="=" * (len(process.name_fi) + 52),
        municipality=settings.municipality_name,
        attribution=api.meta(settings)["attribution"],
        slug=process.slug,
        page=urls.page(f"/processes/{process.slug}"),
        api=urls.api(f"/processes/{process.slug}"),
        openapi=urls.api("/openapi.json"),
        small=SMALL_COUNT,
    )
    budget_names = {budget.id: budget.name_fi for budget in process.budgets}
    files = [
        ("README.txt", readme.replace("\n", "\r\n")),
        ("process.json", json.dumps(process_document, ensure_ascii=False, indent=1) + "\n"),
        ("projects.csv", projects_csv(projects, budget_names)),
        ("results.csv", results_csv(records)),
        ("participation.csv", participation_csv(figures)),
        *files,
    ]
    moment = max(record.published_at or record.computed_at for record in current.values())
    data = await anyio.to_thread.run_sync(zip_bytes, files, moment)
    return f"{process.slug}-open-data.zip", data
