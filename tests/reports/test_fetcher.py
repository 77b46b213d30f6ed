"""WeasyPrint gets the project's static files and nothing else: no network, no other local files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import weasyprint

from pb.reports.pdf import STATIC_DIR, RefusedURL, ReportRenderer, StaticFileFetcher


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "ftp://example.com/data.csv",
        "file:///etc/passwd",
        (STATIC_DIR / ".." / "pyproject.toml").as_uri(),
        STATIC_DIR.as_uri() + "/../src/pb/settings.py",
        "file://example.com" + (STATIC_DIR / "css" / "report.css").as_posix(),
        (STATIC_DIR / "css" / "no-such-file.css").as_uri(),
        STATIC_DIR.as_uri() + "/",
    ],
)
def test_the_fetcher_refuses_everything_but_the_static_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(url)


def test_the_fetcher_refuses_a_link_in_static_that_points_outside(tmp_path: Path) -> None:
    static = tmp_path / "static"
    static.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("salainen", encoding="utf-8")
    (static / "link.txt").symlink_to(secret)
    with pytest.raises(RefusedURL):
        StaticFileFetcher(static).fetch((static / "link.txt").as_uri())


def test_the_fetcher_serves_static_files_with_their_type() -> None:
    fetcher = StaticFileFetcher()
    css = fetcher.fetch((STATIC_DIR / "css" / "report.css").as_uri())
    assert css.content_type == "text/css" and b"@page" in css.read()
    font = fetcher.fetch((STATIC_DIR / "fonts" / "DejaVuSans.ttf").as_uri())
    assert font.read() == (STATIC_DIR / "fonts" / "DejaVuSans.ttf").read_bytes()


def test_the_fetcher_serves_an_allowed_logo_outside_static_and_data_urls(tmp_path: Path) -> None:
    logo = tmp_path / "vaakuna.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    fetcher = StaticFileFetcher(extra_files=[logo])
    assert fetcher.fetch(logo.as_uri()).read() == logo.read_bytes()
    with pytest.raises(RefusedURL):
        fetcher.fetch((tmp_path / "other.svg").as_uri())
    data = fetcher.fetch("data:text/plain;base64,w6XDpMO2")
    assert data.content_type == "text/plain" and data.read().decode() == "åäö"


def test_a_template_that_points_at_another_site_renders_without_it_and_the_refusal_is_logged(
    renderer: ReportRenderer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("WeasyPrint tried to open a network connection")

    monkeypatch.setattr("socket.socket.connect", no_network)
    html = '<html lang="fi"><title>T</title><img src="https://example.com/x.png" alt="x"><p>Hei</p></html>'
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = weasyprint.HTML(string=html, url_fetcher=renderer.fetcher).write_pdf(font_config=renderer.font_config)
    assert pdf.startswith(b"%PDF")
    assert any("reports fetch no network resources" in record.getMessage() for record in caplog.records)
