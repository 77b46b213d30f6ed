"""Browser + axe scenarios for the results pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo's ended round Omabudjetti 2024, whose results pb.demo_results counts and publishes. Should the
demo not have published them (an older demo), the first scenario counts and publishes them through the admin
page, as an admin would; nothing else in the browser suite reads this round's results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

ADMIN = "admin@example.fi"
ROUND = "omabudjetti-2024"
_published: list[bool] = []


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _ensure_published(page: Any, app: RunningApp, site: Any) -> None:
    if _published:
        return
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/results/{ROUND}", "en"))
    sections = page.locator("section.results-admin-budget")
    for index in range(sections.count()):
        section = page.locator("section.results-admin-budget").nth(index)
        if "No published result yet." not in section.inner_text():
            continue
        with page.expect_navigation():
            section.locator("form.results-count-form button[type=submit]").click()
        _submit(page, "#publish-form")
        page.goto(app.url(f"/results/{ROUND}", "en"))
    page.context.clear_cookies()
    _published.append(True)


def _funded_project(page: Any, app: RunningApp) -> str:
    """The id of the first funded project on the public results page."""
    page.goto(app.url(f"/processes/{ROUND}/results", "en"))
    href = page.locator(f"main a[href^='/processes/{ROUND}/results/projects/']").first.get_attribute("href")
    assert href, app.explain("the results page links to no funded project")
    return str(href.rsplit("/", 1)[1])


def show_results_admin(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ensure_published(page, app, site)
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/results/{ROUND}", language))
    assert page.locator("form.results-count-form").count() >= 1, app.explain("no counting form")


def show_results_admin_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_results_admin(page, app, site, language)
    form = page.locator("form.results-count-form").first
    form.locator("select[name=rule]").select_option("greedy-threshold")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_results_record(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_results_admin(page, app, site, language)
    record = page.locator(f"main a[href^='/results/{ROUND}/records/']").first.get_attribute("href")
    page.goto(app.url(record, language))
    assert page.locator("section.results-budget").count() == 1


def show_results_implementation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ensure_published(page, app, site)
    project = _funded_project(page, app)
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/results/{ROUND}/projects/{project}", language))
    assert page.locator("#status-form").count() == 1


def show_results_implementation_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_results_implementation(page, app, site, language)
    page.select_option("#status", "cancelled")
    page.fill("#cancel_reason", "")
    _submit(page, "#status-form")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_results_public(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ensure_published(page, app, site)
    page.goto(app.url(f"/processes/{ROUND}/results", language))
    assert page.locator("svg.bar-chart").count() >= 1


def show_results_project(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ensure_published(page, app, site)
    project = _funded_project(page, app)
    page.goto(app.url(f"/processes/{ROUND}/results/projects/{project}", language))
    assert page.locator(".implementation").count() == 1


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "results-admin": show_results_admin,
    "results-admin-with-errors": show_results_admin_with_errors,
    "results-record": show_results_record,
    "results-implementation": show_results_implementation,
    "results-implementation-with-errors": show_results_implementation_with_errors,
    "results-public": show_results_public,
    "results-project": show_results_project,
}

ROUTES: dict[str, list[str]] = {
    "/results/{slug:str}": ["results-admin", "results-admin-with-errors"],
    "/results/{slug:str}/records/{record_id:int}": ["results-record"],
    "/results/{slug:str}/projects/{project_id:int}": [
        "results-implementation",
        "results-implementation-with-errors",
    ],
    "/processes/{slug:str}/results": ["results-public"],
    "/processes/{slug:str}/results/projects/{project_id:int}": ["results-project"],
    # Not pages: the downloads (the .pb ballots file and the .json result record).
    "/processes/{slug:str}/results/{file_name:str}": [],
}
