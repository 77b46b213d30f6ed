"""Browser + axe scenarios for the citizens' panel pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo panel Kuntalaisraati 2026 (pb.demo_panels: in recruitment, with registrations), run by the
demo facilitator. The registration form is shown with its errors by posting a code that is in no letter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

FACILITATOR = "fasilitaattori@example.fi"
PANEL = "kuntalaisraati-2026"


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _panel_path(page: Any, app: RunningApp, site: Any) -> str:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url("/facilitator/panels", "en"))
    href = page.locator("main table a[href^='/facilitator/panels/']").first.get_attribute("href")
    assert href, app.explain("the facilitator's list links to no panel")
    return str(href)


def show_panels(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url("/facilitator/panels", language))
    assert page.locator("main table").count() == 1


def show_panel_new(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url("/facilitator/panels/new", language))
    assert page.locator("#remit_fi").count() == 1


def show_panel_new_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_panel_new(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_panel(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _panel_path(page, app, site)
    page.goto(app.url(path, language))
    assert page.locator("#privacy_fi").count() == 1


def show_panel_quotas(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _panel_path(page, app, site)
    page.goto(app.url(f"{path}/quotas", language))
    assert page.locator("table.panel-quotas").count() == 1


def show_panel_quotas_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_panel_quotas(page, app, site, language)
    page.locator("table.panel-quotas input").first.fill("999")
    _submit(page, "form[action$='/quotas']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_panel_recruitment(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _panel_path(page, app, site)
    page.goto(app.url(f"{path}/recruitment", language))
    assert page.locator("form[action$='/letters']").count() == 1


def show_panel_recruitment_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_panel_recruitment(page, app, site, language)
    page.fill("#last", "0")
    _submit(page, "form[action$='/letters']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_panel_pool(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _panel_path(page, app, site)
    page.goto(app.url(f"{path}/pool", language))
    assert page.locator("table.panel-people").count() == 1


def show_panel_public(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{PANEL}", language))
    assert page.locator("main dl.facts").count() == 2


def show_panel_register(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{PANEL}/register", language))
    assert page.locator("#code").count() == 1


def show_panel_register_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_panel_register(page, app, site, language)
    page.fill("#code", "ZZZZ-ZZZZ-ZZZZ")
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_panel_registered(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{PANEL}/register/done", language))
    assert page.locator("main h1").count() == 1


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "panels": show_panels,
    "panel-new": show_panel_new,
    "panel-new-with-errors": show_panel_new_with_errors,
    "panel": show_panel,
    "panel-quotas": show_panel_quotas,
    "panel-quotas-with-errors": show_panel_quotas_with_errors,
    "panel-recruitment": show_panel_recruitment,
    "panel-recruitment-with-errors": show_panel_recruitment_with_errors,
    "panel-pool": show_panel_pool,
    "panel-public": show_panel_public,
    "panel-register": show_panel_register,
    "panel-register-with-errors": show_panel_register_with_errors,
    "panel-registered": show_panel_registered,
}

ROUTES: dict[str, list[str]] = {
    "/facilitator/panels": ["panels"],
    "/facilitator/panels/new": ["panel-new", "panel-new-with-errors"],
    "/facilitator/panels/{panel_id:int}": ["panel"],
    "/facilitator/panels/{panel_id:int}/quotas": ["panel-quotas", "panel-quotas-with-errors"],
    "/facilitator/panels/{panel_id:int}/recruitment": ["panel-recruitment", "panel-recruitment-with-errors"],
    "/facilitator/panels/{panel_id:int}/pool": ["panel-pool"],
    "/panels/{slug:str}": ["panel-public"],
    "/panels/{slug:str}/register": ["panel-register", "panel-register-with-errors"],
    "/panels/{slug:str}/register/done": ["panel-registered"],
}
