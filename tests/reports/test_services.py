"""Report PDFs through the cache, rendered in the calling thread or in a worker process."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pb.reports.pdf import ReportAttachment
from pb.reports.services import ReportCache, Reports, digest
from pb.settings import Settings
from tests.reports.conftest import LOGO, SAMPLE_TEMPLATES, sample_context, sample_letters


def reports_in(tmp_path: Path, settings: Settings, max_bytes: int = 10_000_000) -> Reports:
    return Reports(
        settings, cache=ReportCache(tmp_path / "cache", max_bytes), logo=LOGO, template_dirs=(SAMPLE_TEMPLATES,)
    )


def test_the_cache_returns_identical_bytes_without_rendering_again(tmp_path: Path, report_settings: Settings) -> None:
    reports = reports_in(tmp_path, report_settings)
    first = reports.pdf_now("sample/letter.html", sample_letters(), "fi")
    again = reports.pdf_now("sample/letter.html", sample_letters(), "fi")
    assert again == first and reports.renders == 1
    # A new Reports (another server process, or after a restart) finds the file on disk.
    assert reports_in(tmp_path, report_settings).pdf_now("sample/letter.html", sample_letters(), "fi") == first


def test_each_input_is_part_of_the_cache_key(tmp_path: Path, report_settings: Settings) -> None:
    reports = reports_in(tmp_path, report_settings)
    context = sample_letters()
    base = reports.cache_key("sample/letter.html", context, "fi", "pdf/ua-1")
    changed_context = {**context, "letter_date": date(2026, 5, 5)}
    attachment = ReportAttachment("a.json", b"{}", "application/json", "Data")
    others = {
        reports.cache_key("sample/letter.html", context, "sv", "pdf/ua-1"),
        reports.cache_key("sample/letter.html", context, "fi", "pdf/a-3a"),
        reports.cache_key("sample/report.html", context, "fi", "pdf/ua-1"),
        reports.cache_key("sample/letter.html", changed_context, "fi", "pdf/ua-1"),
        reports.cache_key("sample/letter.html", context, "fi", "pdf/a-3a", [attachment]),
        reports_in(tmp_path, Settings(municipality_name="Vaasa")).cache_key(
            "sample/letter.html", context, "fi", "pdf/ua-1"
        ),
    }
    assert base not in others and len(others) == 6


def test_a_changed_template_is_a_different_cache_key(tmp_path: Path, report_settings: Settings) -> None:
    folder = tmp_path / "templates"
    (folder / "sample").mkdir(parents=True)
    template = folder / "sample" / "one.html"
    template.write_text("<html lang='fi'><title>Yksi</title></html>", encoding="utf-8")
    before = Reports(report_settings, template_dirs=(folder,)).cache_key("sample/one.html", {}, "fi", "pdf/ua-1")
    template.write_text("<html lang='fi'><title>Kaksi</title></html>", encoding="utf-8")
    after = Reports(report_settings, template_dirs=(folder,)).cache_key("sample/one.html", {}, "fi", "pdf/ua-1")
    assert before != after


def test_the_context_digest_ignores_key_order_and_refuses_objects_it_cannot_describe() -> None:
    assert digest({"a": 1, "b": [date(2026, 1, 1)]}) == digest({"b": [date(2026, 1, 1)], "a": 1})
    assert digest({"a": 1}) != digest({"a": "1"})

    class Opaque:
        pass

    with pytest.raises(TypeError, match=r"plain data only, not .*Opaque"):
        digest({"process": Opaque()})


def test_the_context_digest_covers_the_fields_of_dataclasses() -> None:
    @dataclass(frozen=True)
    class Row:
        name: str
        votes: int

    assert digest([Row("Åsa", 1)]) != digest([Row("Åsa", 2)])


def test_the_cache_folder_stays_under_its_size_by_dropping_the_least_recently_used(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path, max_bytes=2500)
    keys = [digest(n) for n in range(3)]
    cache.put(keys[0], b"0" * 1000)
    cache.put(keys[1], b"1" * 1000)
    # File times move in coarse steps; set them apart as if the files were written a while ago.
    os.utime(tmp_path / f"{keys[0]}.pdf", (1000, 1000))
    os.utime(tmp_path / f"{keys[1]}.pdf", (2000, 2000))
    assert cache.get(keys[0]) is not None  # used again: now the most recent
    cache.put(keys[2], b"2" * 1000)
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) == b"0" * 1000 and cache.get(keys[2]) == b"2" * 1000
    with pytest.raises(ValueError):
        cache.get("../../etc/passwd")


async def test_an_async_request_renders_in_a_worker_process_and_then_uses_the_cache(
    tmp_path: Path, report_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    reports = reports_in(tmp_path, report_settings)
    with caplog.at_level(logging.WARNING):
        pdf = await reports.pdf("sample/report.html", sample_context(), "sv")
    assert pdf.startswith(b"%PDF-1.7") and reports.renders == 1
    assert await reports.pdf("sample/report.html", sample_context(), "sv") == pdf
    assert reports.renders == 1
    assert caplog.records == []
    # The worker lays out the same document as the calling thread would.
    in_thread = reports_in(tmp_path / "other", report_settings).pdf_now("sample/report.html", sample_context(), "sv")
    assert in_thread == pdf
