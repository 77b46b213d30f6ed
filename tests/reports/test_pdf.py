"""The produced PDFs, read back with pikepdf and pypdf: language, title, structure tags, attachments, text."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdf
import pytest

from pb import i18n
from pb.reports.pdf import ReportRenderer
from tests.reports.conftest import (
    ATTACHMENTS,
    CHART_TITLE,
    DISTRICTS,
    MUNICIPALITY,
    sample_context,
    sample_letters,
)


def structure(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element of the tag tree, depth first (the reading order)."""
    pending = list(reversed(list(pdf.Root.StructTreeRoot.K)))
    while pending:
        element = pending.pop()
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            continue
        yield element
        kids = element.get("/K")
        if kids is not None:
            children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
            pending.extend(reversed(children))


def tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(element.S) for element in structure(pdf)]


def xmp(pdf: pikepdf.Pdf) -> dict[str, object]:
    with pdf.open_metadata() as meta:
        return dict(meta)


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_the_accessible_report_is_pdf_ua_1_with_language_title_and_tags(report_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(report_pdf))
    assert str(pdf.Root.Lang) == "sv"
    metadata = xmp(pdf)
    assert metadata["{http://purl.org/dc/elements/1.1/}title"] == "Osallistuva budjetointi 2026 – tulosraportti"
    assert metadata["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    assert "{http://www.aiim.org/pdfa/ns/id/}part" not in metadata
    assert bool(pdf.Root.MarkInfo.Marked)
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
    found = tags(pdf)
    for tag in ("/Document", "/H1", "/H2", "/H3", "/Table", "/THead", "/TH", "/TD", "/Caption", "/L", "/LI"):
        assert tag in found, tag


def test_the_chart_and_the_logo_are_figures_with_alternative_text(report_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(report_pdf))
    figures = {str(element.Alt) for element in structure(pdf) if element.S == "/Figure"}
    logo = i18n.gettext("sv", "Logo of %(municipality)s") % {"municipality": MUNICIPALITY}
    assert figures == {CHART_TITLE, logo}


def test_the_reading_order_puts_each_chart_before_its_table(report_pdf: bytes) -> None:
    found = tags(pikepdf.open(io.BytesIO(report_pdf)))
    chart = found.index("/Figure", found.index("/H3"))
    assert found.index("/H1") < found.index("/H3") < chart < found.index("/Table")


def test_the_archival_copy_is_pdf_a_3a_carrying_its_data_files(archival_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(archival_pdf))
    metadata = xmp(pdf)
    assert metadata["{http://www.aiim.org/pdfa/ns/id/}part"] == "3"
    assert metadata["{http://www.aiim.org/pdfa/ns/id/}conformance"] == "A"
    assert "{http://www.aiim.org/pdfua/ns/id/}part" not in metadata
    assert str(pdf.Root.Lang) == "fi"
    assert "/StructTreeRoot" in pdf.Root
    embedded = pdf.attachments
    assert sorted(embedded) == ["ballots.pb", "result.json"]
    for expected in ATTACHMENTS:
        spec = embedded[expected.name]
        assert spec.get_file().read_bytes() == expected.data
        assert spec.get_file().mime_type == expected.mime_type
        assert spec.description == expected.description
        # ISO 19005-3 6.8: each file is tied to the document through /AF with its relationship.
        assert spec.obj.AFRelationship == "/Data"
    # WeasyPrint 70 lists each file twice in /AF (from the name tree and from the objects); both are the same.
    assert {str(spec.UF) for spec in pdf.Root.AF} == {"ballots.pb", "result.json"}


def test_pypdf_sees_the_same_embedded_files(archival_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(archival_pdf))
    assert {name: contents[0] for name, contents in reader.attachments.items()} == {
        item.name: item.data for item in ATTACHMENTS
    }


def test_extracted_text_keeps_finnish_and_swedish_letters(report_pdf: bytes) -> None:
    text = "\n".join(page_texts(report_pdf))
    for words in (*DISTRICTS, "Åsa ja Örjan äänestivät", "Skärgårdsväg", MUNICIPALITY):
        assert words in text


def test_the_bundled_dejavu_fonts_are_embedded(report_pdf: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(report_pdf))
    fonts = {str(font.BaseFont).split("+")[-1] for page in pdf.pages for font in page.Resources.Font.values()}
    assert fonts == {"DejaVu-Sans", "DejaVu-Sans-Bold"}


def test_dates_are_written_in_the_report_language_not_the_readers(renderer: ReportRenderer) -> None:
    context = sample_context()
    assert "4 maj 2026" in renderer.render_html("sample/report.html", context, "sv")
    assert "4. toukokuuta 2026" in renderer.render_html("sample/report.html", context, "fi")
    with pytest.raises(ValueError, match="unknown report language"):
        renderer.render_html("sample/report.html", context, "de")


def test_the_cover_has_no_page_number_and_later_pages_have_the_running_header(report_pdf: bytes) -> None:
    pages = page_texts(report_pdf)
    assert MUNICIPALITY in pages[0] and f"1 / {len(pages)}" not in pages[0]
    # Page 3 opens the first section: the report title and the numbered section heading run in its header.
    assert f"Osallistuva budjetointi 2026 – tulosraportti 1. {i18n.gettext('sv', 'Participation')}" in pages[2]
    assert f"3 / {len(pages)}" in pages[2]


def test_the_table_of_contents_gives_each_numbered_section_its_page(report_pdf: bytes) -> None:
    pages = page_texts(report_pdf)
    contents = pages[1]
    for number, heading in ((1, i18n.gettext("sv", "Participation")), (2, i18n.gettext("sv", "Projects"))):
        entry = next(line for line in contents.splitlines() if line.startswith(f"{number}. {heading}"))
        page = int(entry.rstrip().rsplit(" ", 1)[-1].strip("."))
        assert f"{number}. {heading}" in pages[page - 1]


def test_a_long_table_repeats_its_header_row_on_every_page(report_pdf: bytes) -> None:
    pages = [text for text in page_texts(report_pdf) if "Skärgårdsväg" in text]
    assert len(pages) >= 3
    header = " ".join(i18n.gettext("sv", word) for word in ("Project", "Votes", "Cost"))
    for text in pages:
        assert header in text


def test_each_letter_is_one_page_with_its_address_code_and_qr_code(letters_pdf: bytes) -> None:
    pages = page_texts(letters_pdf)
    letters = sample_letters()["letters"]
    assert len(pages) == len(letters)
    your_code = i18n.gettext("fi", "Your code")
    for text, letter in zip(pages, letters, strict=True):
        for line in letter.address_lines:
            assert line in text
        if letter.code:
            assert your_code in text and letter.code in text
        else:
            assert your_code not in text
    pdf = pikepdf.open(io.BytesIO(letters_pdf))
    logo = i18n.gettext("fi", "Logo of %(municipality)s") % {"municipality": MUNICIPALITY}
    qr_codes = [str(element.Alt) for element in structure(pdf) if element.S == "/Figure" and element.Alt != logo]
    qr_alt = i18n.gettext("fi", "QR code with the address %(url)s")
    assert qr_codes == [qr_alt % {"url": letter.qr_url} for letter in letters if letter.qr_url]
    assert str(pdf.Root.Lang) == "fi"


def test_weasyprint_logs_no_warnings_for_the_report_and_letter_templates(
    renderer: ReportRenderer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        renderer.render_pdf("sample/report.html", sample_context(), "en")
        renderer.render_pdf("sample/report.html", sample_context(), "fi", "pdf/a-3a", ATTACHMENTS)
        renderer.render_pdf("sample/letter.html", sample_letters(), "sv")
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []


def test_the_first_page_renders_to_png(report_pdf: bytes, letters_pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: install the Debian package poppler-utils")
    for name, data in (("report", report_pdf), ("letters", letters_pdf)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", f"{name}.pdf", name],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            timeout=60,
        )
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 1000
