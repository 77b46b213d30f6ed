"""Browser + axe scenarios for the outcome report's staff page (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo's ended round Omabudjetti 2024 and the demo admin. The page with its errors is what the form's
target shows for a language and a kind of file that do not exist (the form itself always sends valid ones).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

ADMIN = "admin@example.fi"
ROUND = "omabudjetti-2024"


def show_outcome_report(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/reports/processes/{ROUND}", language))
    assert page.locator("#language-fi").count() == 1, app.explain("no language choice")
    assert page.locator("#variant-archival").count() == 1, app.explain("no choice of the kind of file")


def show_outcome_report_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/reports/processes/{ROUND}/outcome.pdf?language=xx&variant=yy", language))
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")
    assert page.locator("#language-error").count() == 1, app.explain("no error next to the language")


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "outcome-report": show_outcome_report,
    "outcome-report-with-errors": show_outcome_report_with_errors,
}

ROUTES: dict[str, list[str]] = {
    "/reports/processes/{slug:str}": ["outcome-report"],
    # The download; with a choice that does not exist it shows the page again with its errors.
    "/reports/processes/{slug:str}/outcome.pdf": ["outcome-report-with-errors"],
    # Not a page: the public download of the PDF once every result is published.
    "/processes/{slug:str}/outcome-report.pdf": [],
}
