"""A sample report and a sample letters document, rendered once per session (WeasyPrint takes about a second)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pb.reports.charts import bar_chart, suppress_small_counts
from pb.reports.pdf import Letter, ReportAttachment, ReportRenderer
from pb.settings import Settings

SAMPLE_TEMPLATES = Path(__file__).parent / "templates"
LOGO = Path(__file__).resolve().parents[2] / "static" / "favicon.svg"
MUNICIPALITY = "Pietarsaari – Jakobstad"
CHART_TITLE = "Äänestäjät alueittain"
DISTRICTS = ("Åbo gränd", "Pöllölä", "Keskusta", "Länsi")
PROJECT_ROWS = 120  # enough rows for the project table to run over several pages


@dataclass(frozen=True)
class SampleProject:
    name: str
    votes: int
    cost: int


def sample_context() -> dict[str, Any]:
    counts = suppress_small_counts([120, 3, 48, 77])
    chart = bar_chart(
        "districts",
        CHART_TITLE,
        list(zip(DISTRICTS, counts, strict=True)),
        language="fi",
        label_heading="Alue",
        value_heading="Äänestäjiä",
    )
    return {
        "title": "Osallistuva budjetointi 2026 – tulosraportti",
        "subtitle": "Budget för Ålands väg",
        "report_date": date(2026, 5, 4),
        "intro": "Åsa ja Örjan äänestivät.",
        "district_chart": chart,
        "projects": [SampleProject(f"Hanke {n} – Skärgårdsväg", n * 7, n * 150_000) for n in range(PROJECT_ROWS)],
    }


def sample_letters() -> dict[str, Any]:
    letters = [
        Letter(
            ("Aino Virtanen", "Åkerlundinkatu 5 A 3", "33100 Tampere"),
            code="K7QX-M2PA",
            qr_url="https://pb.example.fi/vote?code=K7QX-M2PA",
            details={"greeting": "Hyvä Aino, äänestä!"},
        ),
        Letter(
            ("Sixten Lindqvist", "Strandgatan 2", "68600 Jakobstad"),
            code="R3WN-8HTD",
            qr_url="https://pb.example.fi/vote?code=R3WN-8HTD",
            details={"greeting": "Bästa Sixten, rösta!"},
        ),
        Letter(("Örjan Ek", "Åsgränd 1", "00100 Helsinki"), details={"greeting": "Tervetuloa paneeliin."}),
    ]
    return {"title": "Äänestyskoodit", "letters": letters, "letter_date": date(2026, 5, 4)}


ATTACHMENTS = (
    ReportAttachment(
        "ballots.pb",
        "META\nkey;value\ndescription;Ålands väg\n".encode(),
        "text/plain",
        "Anonymised ballots (pabulib .pb)",
        modified=datetime(2026, 5, 4, 12, tzinfo=UTC),
    ),
    ReportAttachment(
        "result.json",
        b'{"funded": [1, 4]}',
        "application/json",
        "Result record",
        modified=datetime(2026, 5, 4, 12, tzinfo=UTC),
    ),
)


@pytest.fixture(scope="session")
def report_settings() -> Settings:
    return Settings(municipality_name=MUNICIPALITY)


@pytest.fixture(scope="session")
def renderer(report_settings: Settings) -> ReportRenderer:
    return ReportRenderer(report_settings, logo=LOGO, template_dirs=(SAMPLE_TEMPLATES,))


@pytest.fixture(scope="session")
def report_pdf(renderer: ReportRenderer) -> bytes:
    return renderer.render_pdf("sample/report.html", sample_context(), "sv")


@pytest.fixture(scope="session")
def archival_pdf(renderer: ReportRenderer) -> bytes:
    return renderer.render_pdf("sample/report.html", sample_context(), "fi", "pdf/a-3a", ATTACHMENTS)


@pytest.fixture(scope="session")
def letters_pdf(renderer: ReportRenderer) -> bytes:
    return renderer.render_pdf("sample/letter.html", sample_letters(), "fi")
