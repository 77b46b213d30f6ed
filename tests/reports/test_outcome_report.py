"""The outcome report of a round, read back from the PDF: metadata and tags, the six sections in order, the
figures against the database, suppression, the archival copy's embedded files, and the report languages.

One round is built for the module (counting and rendering take seconds), in a database of its own.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdf
import pytest
from sqlalchemy.orm import Session

from pb import i18n
from pb.counting.pabulib import ballot_digest, parse_pabulib
from pb.db import make_sync_engine
from pb.processes.models import Process, Project
from pb.reports.outcome import TEMPLATE, document_for, outcome_pdf
from pb.reports.pdf import ReportRenderer
from pb.reports.services import ReportCache, Reports
from pb.results.models import ResultRecord, StabilityRun
from pb.settings import Settings
from tests.conftest import add_persona
from tests.personas import ANNA
from tests.reports.outcome_support import (
    HIDDEN_REASON,
    HIDDEN_TITLE,
    NOT_FEASIBLE,
    SLUG,
    add_stability_run,
    build_round,
    fresh_database,
    records,
)
from tests.reports.test_pdf import structure, tags
from tests.voting_support import budgets

SECTIONS = (
    "Summary",
    "The process",
    "Participation",
    "From proposals to the ballot",
    "Results by budget",
    "Appendix: checking the results",
)


@dataclass(frozen=True)
class Round:
    settings: Settings
    process: Process
    records: list[ResultRecord]
    projects: dict[int, Project]
    stability: StabilityRun  # of the city-wide record; the Keskusta record has none


@pytest.fixture(scope="module")
def published_round(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Round]:
    folder = tmp_path_factory.mktemp("outcome")
    url = fresh_database(migrated_template, folder)
    settings = Settings(database_url=url, report_cache_dir=folder / "reports", base_url="http://testserver.local")
    engine = make_sync_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        admin = add_persona(db, ANNA)
        process = build_round(db, settings, admin)
        found = records(db, process)
        stability = add_stability_run(db, found[0])
        projects = {project.id: project for budget in budgets(process) for project in budget.projects}
    engine.dispose()
    yield Round(settings, process, found, projects, stability)


def render(round: Round, language: str = "en", variant: str = "ua") -> bytes:
    pdf, _ = outcome_pdf(round.settings, SLUG, language, variant)  # type: ignore[arg-type]
    return pdf


@pytest.fixture(scope="module")
def accessible(published_round: Round) -> bytes:
    return render(published_round)


@pytest.fixture(scope="module")
def archival(published_round: Round) -> bytes:
    return render(published_round, variant="archival")


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    """Runs of white space (line breaks, no-break spaces in numbers) as one space."""
    return " ".join(text.split())


def body_text(data: bytes) -> str:
    """The text after the cover and the table of contents, with lines joined (tables wrap long cells)."""
    return squash(" ".join(text_of(data)[2:]))


def test_the_report_is_a_tagged_pdf_ua_file_with_its_language_and_title(accessible: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(accessible))
    assert str(pdf.Root.Lang) == "en"
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == "Own Budget 2026"
        assert meta["pdfuaid:part"] == "1"
    assert bool(pdf.Root.MarkInfo.Marked)
    found = tags(pdf)
    for tag in ("/H1", "/H2", "/H3", "/H4", "/Table", "/THead", "/TH", "/TD", "/Caption", "/Figure", "/L", "/LI"):
        assert tag in found, tag
    # Every chart is a figure with its title as the alternative text.
    assert all(str(element.get("/Alt", "")) for element in structure(pdf) if element.S == "/Figure")


def test_the_six_sections_follow_each_other_in_the_issues_order(accessible: bytes) -> None:
    text = body_text(accessible)
    positions = [text.index(f"{number}. {heading}") for number, heading in enumerate(SECTIONS, 1)]
    assert positions == sorted(positions)
    contents = text_of(accessible)[1]
    for number, heading in enumerate(SECTIONS, 1):
        assert f"{number}. {heading}" in contents


def test_the_funded_projects_and_their_budgets_figures_are_those_of_the_records(
    published_round: Round, accessible: bytes
) -> None:
    text = body_text(accessible)
    for record in published_round.records:
        names = [published_round.projects[project_id].title for project_id in record.selected]
        assert names
        for name in names:
            assert name in text
        assert squash(f"Money used {i18n.format_euros(record.total_cost_cents, 'en')}") in text
        assert f"Counted ballots {record.voters}" in text
    # Lava is on the ballot but not funded by MES; it is listed with its cost and "Not funded".
    assert "Lava" in text and "Not funded" in text


def test_the_summary_gives_the_round_in_numbers(published_round: Round, accessible: bytes) -> None:
    summary = squash(text_of(accessible)[2])
    used = sum(record.total_cost_cents for record in published_round.records)
    funded = sum(len(record.selected) for record in published_round.records)
    assert "Voters 21" in summary
    assert squash(f"Eligible residents {i18n.format_number(2000, 'en')}") in summary
    assert squash(f"Money allocated to funded projects {i18n.format_euros(used, 'en')}") in summary
    assert f"Funded projects {funded}" in summary
    # Two feasible, three not feasible (one hidden), one withdrawn and one merged proposal were made.
    assert "Proposals made 7" in summary
    assert "Projects on the ballot 6" in summary


def test_not_feasible_proposals_are_listed_with_their_reasons_but_a_hidden_one_is_not_named(accessible: bytes) -> None:
    text = body_text(accessible)
    for title, reason in NOT_FEASIBLE.items():
        assert title in text and reason in text
    assert HIDDEN_TITLE not in text
    assert "A proposal hidden by a moderator" in text and HIDDEN_REASON in text


def test_small_participation_counts_are_shown_as_under_five(accessible: bytes) -> None:
    text = body_text(accessible)
    participation = text[text.index("3. Participation") : text.index("4. From proposals to the ballot")]
    # Saaristo's 3 voters, the one 12-17-year-old and the two who voted with an assistant.
    assert "Archipelago <5" in participation
    assert "12-17 <5" in participation
    assert "With an assistant <5" in participation
    assert "Archipelago 3" not in participation


def test_each_budget_compares_its_result_with_the_other_rules(published_round: Round, accessible: bytes) -> None:
    text = body_text(accessible)
    citywide = text[text.index("5.1 City-wide") : text.index("5.2 Centre")]
    assert "What other rules would have chosen" in citywide
    # Greedy funds Lava (most votes) and then only Kirjastoauto fits: it differs from MES.
    greedy = citywide[citywide.index("Most votes first, skipping projects that no longer fit") :]
    greedy = greedy[: greedy.index("Most votes first, stopping")]
    assert "Would also fund: Lava." in greedy
    assert "Would not fund:" in greedy and "Uimaranta" in greedy


def test_the_stored_stability_run_is_shown_and_a_missing_one_is_said_to_be_missing(
    published_round: Round, accessible: bytes
) -> None:
    text = body_text(accessible)
    citywide = text[text.index("5.1 City-wide") : text.index("5.2 Centre")]
    central = text[text.index("5.2 Centre") : text.index("6. Appendix")]
    run = published_round.stability
    assert "How stable the result is" in citywide and "How stable the result is" in central
    for project_id, wins in run.wins.items():
        title = published_round.projects[int(project_id)].title
        assert f"{title} " in citywide
        assert f"{wins} / 200" in citywide
    assert run.seed in citywide
    # The figures are a column of the table of projects, not a second table of every project.
    assert "Won in resamples" in citywide and "Won in resamples" not in central
    assert "The stability of this result has not been computed." in central
    assert "The stability of this result has not been computed." not in citywide


def test_the_appendix_gives_each_records_digests_and_the_command_to_recount(
    published_round: Round, accessible: bytes
) -> None:
    text = "".join(body_text(accessible).split())  # digests may wrap anywhere
    for record in published_round.records:
        assert record.file_digest in text
        assert record.ballot_digest in text
        assert record.lot_seed in text
        assert f"--rule{record.rule}--ties{record.tie_order}--json" in text


def test_the_archival_copy_is_pdf_a_3a_and_embeds_each_budgets_ballots_and_record(
    published_round: Round, archival: bytes
) -> None:
    pdf = pikepdf.open(io.BytesIO(archival))
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
        assert "pdfuaid:part" not in meta
    assert "/StructTreeRoot" in pdf.Root
    embedded = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    expected = set()
    for record in published_round.records:
        stem = f"{SLUG}-{record.budget_id}"
        expected |= {f"{stem}.pb", f"{stem}.json"}
        ballots = embedded[f"{stem}.pb"]
        # The embedded ballots are the file that was counted: the same SHA-256 and the same ballot digest.
        assert hashlib.sha256(ballots).hexdigest() == record.file_digest
        assert ballot_digest(parse_pabulib(ballots.decode())) == record.ballot_digest
        document = json.loads(embedded[f"{stem}.json"])
        assert document["record"] == record.id
        assert document["ballots"] == {
            "file": f"{stem}.pb",
            "sha256": record.file_digest,
            "digest": record.ballot_digest,
            "voters": record.voters,
        }
        assert document["selected"] == [str(project_id) for project_id in record.selected]
    assert set(embedded) == expected
    assert pdf.attachments[f"{SLUG}-{published_round.records[0].budget_id}.json"].get_file().mime_type == (
        "application/json"
    )


def test_the_accessible_copy_embeds_nothing_and_links_the_downloads(published_round: Round, accessible: bytes) -> None:
    assert dict(pikepdf.open(io.BytesIO(accessible)).attachments) == {}
    text = "".join(body_text(accessible).split())
    record = published_round.records[0]
    assert f"http://testserver.local/processes/{SLUG}/results/{record.budget_id}.pb?record={record.id}" in text


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_report_is_made_in_finnish_and_swedish(published_round: Round, language: str) -> None:
    data = render(published_round, language)
    pdf = pikepdf.open(io.BytesIO(data))
    assert str(pdf.Root.Lang) == language
    name = {"fi": "Omabudjetti 2026", "sv": "Egen budget 2026"}[language]
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == name
    # Admin-entered names and formatted numbers follow the report's language, whoever asked for it.
    text = body_text(data)
    assert {"fi": "Saaristo <5", "sv": "Skärgården <5"}[language] in text
    money = sum(record.total_cost_cents for record in published_round.records)
    assert squash(i18n.format_euros(money, language)) in squash(text_of(data)[2])


def test_gathering_the_same_round_twice_gives_the_same_cache_key_and_file(
    published_round: Round, accessible: bytes
) -> None:
    settings = published_round.settings
    reports = Reports(settings, cache=ReportCache(settings.report_cache_dir))
    keys = set()
    for _ in range(2):
        document = asyncio.run(document_for(settings, SLUG, "en", "ua"))
        keys.add(reports.cache_key(TEMPLATE, document.context, "en", document.variant, document.attachments))
        assert reports.pdf_now(TEMPLATE, document.context, "en", document.variant) == accessible
    assert len(keys) == 1
    # At most the first request laid the report out (none if the module's first rendering is still cached).
    assert reports.renders <= 1


def test_weasyprint_logs_no_warnings_for_the_outcome_report(
    published_round: Round, caplog: pytest.LogCaptureFixture
) -> None:
    document = asyncio.run(document_for(published_round.settings, SLUG, "en", "archival"))
    renderer = ReportRenderer(published_round.settings)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        renderer.render_pdf(TEMPLATE, document.context, "en", document.variant, document.attachments)
    problems = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("weasyprint") and record.levelno >= logging.WARNING
    ]
    assert problems == []


def test_the_first_pages_render_to_png(accessible: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: install the Debian package poppler-utils")
    (tmp_path / "report.pdf").write_bytes(accessible)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "3", "report.pdf", "page"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
