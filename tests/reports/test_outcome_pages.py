"""The outcome report on the web: admins make it from the staff page at any time (a draft before every result is
published); once every result is published anyone downloads it; residents get no staff page. The PDF is laid out
in a worker process and served from the cache the second time. And `pb report outcome` writes the same file."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pypdf
from click.testing import CliRunner
from sqlalchemy.orm import Session

from pb.accounts.models import User
from pb.reports.cli import report
from pb.settings import Settings
from tests.conftest import FormClient
from tests.personas import AINO, ANNA, RIIKKA
from tests.reports.outcome_support import SLUG, build_round

STAFF_PAGE = f"/reports/processes/{SLUG}"
STAFF_PDF = f"{STAFF_PAGE}/outcome.pdf"
PUBLIC_PDF = f"/processes/{SLUG}/outcome-report.pdf"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_resident_and_a_reviewer_are_refused_the_staff_page_and_its_download(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    build_round(db, settings, personas[ANNA.email])
    for persona in (AINO, RIIKKA):
        client.log_in(persona)
        assert client.get(STAFF_PAGE).status_code == 403
        assert client.get(f"{STAFF_PDF}?language=fi&variant=ua").status_code == 403
        client.submit("/logout")


def test_an_admin_chooses_language_and_kind_of_file_and_downloads_the_report(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    build_round(db, settings, personas[ANNA.email])
    client.log_in(ANNA)
    page = client.get(STAFF_PAGE)
    assert page.status_code == 200
    assert f'action="{STAFF_PDF}"' in page.text and 'method="get"' in page.text
    assert 'id="language-sv"' in page.text and 'id="variant-archival"' in page.text
    # The staff member reads the page in English and makes the report in Swedish.
    response = client.get(f"{STAFF_PDF}?language=sv&variant=ua")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}-outcome-sv.pdf"'
    pdf = pikepdf.open(io.BytesIO(response.content))
    assert str(pdf.Root.Lang) == "sv"
    with pdf.open_metadata() as meta:
        assert meta["pdfuaid:part"] == "1"
    # The worker process kept the file in the cache, named by the digest of the report's data; the second
    # download is that file, and nothing new is cached.
    cached = list(settings.report_cache_dir.glob("*.pdf"))
    assert [path.read_bytes() for path in cached] == [response.content]
    assert client.get(f"{STAFF_PDF}?language=sv&variant=ua").content == response.content
    assert list(settings.report_cache_dir.glob("*.pdf")) == cached
    # The page's own language did not change: the report's language is a parameter of its own.
    assert "lang=" not in response.headers.get("set-cookie", "")


def test_a_missing_choice_is_shown_next_to_its_field(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    build_round(db, settings, personas[ANNA.email])
    client.log_in(ANNA)
    response = client.get(f"{STAFF_PDF}?language=de&variant=zip")
    assert response.status_code == 422
    assert 'id="language-error"' in response.text and "Choose the language of the report." in response.text
    assert 'id="variant-error"' in response.text and "Choose the kind of PDF file." in response.text
    assert response.text.count('class="error-summary"') == 1


def test_before_every_result_is_published_staff_get_a_draft_and_the_public_nothing(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    build_round(db, settings, personas[ANNA.email], publish=False)
    assert client.get(f"{PUBLIC_PDF}?language=en").status_code == 404
    client.log_in(ANNA)
    page = client.get(STAFF_PAGE)
    assert "no published result yet" in page.text and PUBLIC_PDF not in page.text
    response = client.get(f"{STAFF_PDF}?language=en&variant=ua")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "DRAFT: not every budget's result is published" in text
    assert "No result has been published for this budget yet." in text


def test_once_results_are_published_anyone_downloads_the_report_in_the_language_asked_for(
    client: FormClient, db: Session, settings: Settings, personas: dict[str, User]
) -> None:
    build_round(db, settings, personas[ANNA.email])
    response = client.get(f"{PUBLIC_PDF}?language=en&variant=archival")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{SLUG}-outcome-en-archival.pdf"'
    pdf = pikepdf.open(io.BytesIO(response.content))
    assert str(pdf.Root.Lang) == "en"
    assert len(pdf.attachments) == 4
    assert "DRAFT" not in text_of(response.content)
    # An unknown language or kind of file is no file at all.
    assert client.get(f"{PUBLIC_PDF}?language=de").status_code == 404
    assert client.get(f"{PUBLIC_PDF}?variant=zip").status_code == 404
    client.log_in(ANNA)
    assert PUBLIC_PDF in client.get(STAFF_PAGE).text


def test_the_command_line_writes_the_report_to_a_file(
    db: Session, settings: Settings, personas: dict[str, User], tmp_path: Path
) -> None:
    build_round(db, settings, personas[ANNA.email])
    target = tmp_path / "raportti.pdf"
    env = {"PB_DATABASE_URL": settings.database_url, "PB_REPORT_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner().invoke(report, ["outcome", SLUG, "--lang", "fi", "--archival", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    pdf = pikepdf.open(target)
    assert str(pdf.Root.Lang) == "fi" and len(pdf.attachments) == 4
    with pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "3"
    unknown = CliRunner().invoke(report, ["outcome", "no-such-round", "-o", str(tmp_path / "x.pdf")], env=env)
    assert unknown.exit_code != 0 and "no participatory-budgeting round" in unknown.output
