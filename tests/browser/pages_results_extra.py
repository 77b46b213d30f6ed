"""Browser + axe scenarios for the stability views and the past elections imported from Pabulib files (merged
into test_accessibility.py's PAGES and ROUTES).

The first past-election scenario imports tests/data/pabulib/Poland_Warszawa_2019_Sadul.pb through the admin's
import page, as an admin would, and waits until the server has counted it and computed its stability (both in
worker processes after the upload). The stability scenarios ask for the stability analysis of the demo's published
city-wide result of Omabudjetti 2024 (pb.demo_results counts it without one) through the record's page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.browser.support import RunningApp

ADMIN = "admin@example.fi"
ROUND = "omabudjetti-2024"
PABULIB_FILE = Path(__file__).resolve().parents[1] / "data" / "pabulib" / "Poland_Warszawa_2019_Sadul.pb"
MALFORMED = (
    b"META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;2\n"
)
# Background work (counting, 200 resamples) on a busy two-core machine: generous, the usual wait is seconds.
WAIT_SECONDS = 90
_state: dict[str, str] = {}


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _wait_for(page: Any, app: RunningApp, selector: str, what: str) -> None:
    """Reloads the page until `selector` is on it (the work runs after the response, in the server)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, app.explain(f"{what} did not appear within {WAIT_SECONDS} s")
        time.sleep(0.5)
        page.reload()


def _imported(page: Any, app: RunningApp, site: Any) -> str:
    """The path of the imported election's page, importing it the first time."""
    if "election" not in _state:
        site.sign_in(page, ADMIN)
        page.goto(app.url("/past-elections/import", "en"))
        page.set_input_files("#pabulib_file", str(PABULIB_FILE))
        _submit(page, "form.past-import-form")
        path = urlsplit(page.url).path
        assert path.startswith("/past-elections/") and path.rsplit("/", 1)[1].isdigit(), app.explain(page.url)
        _wait_for(page, app, "table.results-stability", "the imported election's stability analysis")
        page.context.clear_cookies()
        _state["election"] = path
    return _state["election"]


def _record_with_stability(page: Any, app: RunningApp, site: Any) -> str:
    """The path of the staff page of the demo's published city-wide result, its stability computed."""
    if "record" not in _state:
        site.sign_in(page, ADMIN)
        page.goto(app.url(f"/results/{ROUND}", "en"))
        href = page.locator(f"main a[href^='/results/{ROUND}/records/']").first.get_attribute("href")
        assert href, app.explain("the results admin page links to no result record")
        page.goto(app.url(href, "en"))
        if page.locator("#stability-form").count():
            _submit(page, "#stability-form")
        _wait_for(page, app, "table.results-stability", "the result's stability analysis")
        page.context.clear_cookies()
        _state["record"] = href
    return _state["record"]


def show_past_elections(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _imported(page, app, site)
    page.goto(app.url("/past-elections", language))
    assert page.locator(f"main a[href='{path}']").count() == 1, app.explain("the list lacks the imported election")


def show_past_elections_import(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/past-elections/import", language))
    assert page.locator("#pabulib_file").count() == 1


def show_past_elections_import_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_past_elections_import(page, app, site, language)
    page.set_input_files("#pabulib_file", {"name": "broken.pb", "mimeType": "text/plain", "buffer": MALFORMED})
    _submit(page, "form.past-import-form")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")
    assert page.locator("#pabulib_file-error").count() == 1


def show_past_election(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _imported(page, app, site)
    page.goto(app.url(path, language))
    assert page.locator("svg.bar-chart").count() == 2, app.explain("the votes and stability charts are missing")
    assert page.locator("table.past-election-comparison").count() == 1


def show_past_election_staff(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _imported(page, app, site)
    site.sign_in(page, ADMIN)
    page.goto(app.url(path, language))
    assert page.locator("#stability-form select[name=rule]").count() == 1
    assert page.locator("#delete-form").count() == 1


def show_past_election_staff_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_past_election_staff(page, app, site, language)
    # A rule the form does not offer, as a tampered or outdated form would send.
    page.evaluate("() => { document.querySelector('#rule').options[0].value = 'nonsense'; }")
    page.select_option("#rule", index=0)
    _submit(page, "#stability-form")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_results_record_with_stability(page: Any, app: RunningApp, site: Any, language: str) -> None:
    record = _record_with_stability(page, app, site)
    site.sign_in(page, ADMIN)
    page.goto(app.url(record, language))
    assert page.locator("table.results-stability").count() == 1


def show_results_public_with_stability(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _record_with_stability(page, app, site)
    page.goto(app.url(f"/processes/{ROUND}/results", language))
    assert page.locator("table.results-stability").count() >= 1, app.explain("no stability table in public")


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "past-elections": show_past_elections,
    "past-elections-import": show_past_elections_import,
    "past-elections-import-with-errors": show_past_elections_import_with_errors,
    "past-election": show_past_election,
    "past-election-staff": show_past_election_staff,
    "past-election-staff-with-errors": show_past_election_staff_with_errors,
    "results-record-with-stability": show_results_record_with_stability,
    "results-public-with-stability": show_results_public_with_stability,
}

ROUTES: dict[str, list[str]] = {
    "/past-elections": ["past-elections"],
    "/past-elections/import": ["past-elections-import", "past-elections-import-with-errors"],
    "/past-elections/{election_id:int}": ["past-election", "past-election-staff", "past-election-staff-with-errors"],
    # Not a page: the imported file itself.
    "/past-elections/{election_id:int}/file": [],
    "/results/{slug:str}/records/{record_id:int}": ["results-record-with-stability"],
    "/processes/{slug:str}/results": ["results-public-with-stability"],
}
