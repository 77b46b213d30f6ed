"""Browser + axe scenarios for the citizens' panel pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo panels (pb.demo_panels): Kuntalaisraati 2026, in recruitment, with registrations, and
Kuntalaisraati 2025, finished (drawn, with sessions, recommendations and the council's answer), both run by the
demo facilitator; the demo resident is a member of the 2025 panel and the demo council member answered it.
The registration form is shown with its errors by posting a code that is in no letter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

FACILITATOR = "fasilitaattori@example.fi"
MEMBER = "asukas@example.fi"
COUNCIL = "valtuutettu@example.fi"
PANEL = "kuntalaisraati-2026"
FINISHED = "kuntalaisraati-2025"


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


def _finished_path(page: Any, app: RunningApp, site: Any) -> str:
    """The facilitator's page of the finished panel (Kuntalaisraati 2025)."""
    site.sign_in(page, FACILITATOR)
    page.goto(app.url("/facilitator/panels", "en"))
    href = page.locator("main table a", has_text="2025").first.get_attribute("href")
    assert href, app.explain("the facilitator's list links to no 2025 panel")
    return str(href)


def _first_link(page: Any, app: RunningApp, prefix: str) -> str:
    href = page.locator(f"main a[href^='{prefix}']").first.get_attribute("href")
    assert href, app.explain(f"no link starting with {prefix} on {page.url}")
    return str(href)


def show_selection_feasibility(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _panel_path(page, app, site)
    page.goto(app.url(f"{path}/selection", language))
    assert page.locator("#feasibility").count() == 1, app.explain("no feasibility check")


def show_selection_result(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _finished_path(page, app, site)
    page.goto(app.url(f"{path}/selection", language))
    assert page.locator("#probabilities svg").count() == 1, app.explain("no probability histogram")
    assert page.locator("table#panel").count() == 1


def show_selection_public(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{FINISHED}/selection", language))
    assert page.locator("a[href$='lottery.json']").count() == 1


def show_selection_public_not_yet(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{PANEL}/selection", language))
    assert page.locator("main h1").count() == 1


def show_panel_public_finished(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/panels/{FINISHED}", language))
    assert page.locator("#recommendations article").count() == 3, app.explain("no recommendations")


def show_workspace_as_facilitator(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", language))
    assert page.locator("form[action$='/workspace/sessions']").count() == 1


def show_workspace_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_workspace_as_facilitator(page, app, site, language)
    _submit(page, "form[action$='/workspace/sessions']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_workspace_as_member(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, MEMBER)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", language))
    assert page.locator("#name_public").count() == 1, app.explain("the member sees no name choice")


def show_workspace_session(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", "en"))
    page.goto(app.url(_first_link(page, app, f"/panels/{FINISHED}/workspace/sessions/"), language))
    assert page.locator("#notes textarea").count() == 1


def show_workspace_session_as_member(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, MEMBER)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", "en"))
    page.goto(app.url(_first_link(page, app, f"/panels/{FINISHED}/workspace/sessions/"), language))
    assert page.locator("#notes").count() == 0 and page.locator(".panel-tables li").count() == 2


def show_recommendation_as_member(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, MEMBER)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", "en"))
    page.goto(app.url(_first_link(page, app, f"/panels/{FINISHED}/workspace/recommendations/"), language))
    assert page.locator("#versions li").count() >= 1


def show_recommendation_as_facilitator(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, FACILITATOR)
    page.goto(app.url(f"/panels/{FINISHED}/workspace", "en"))
    page.goto(app.url(_first_link(page, app, f"/panels/{FINISHED}/workspace/recommendations/"), language))
    assert page.locator("table.panel-support").count() == 1


def show_join_unknown(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, MEMBER)
    page.goto(app.url(f"/panels/{PANEL}/join/no-such-link", language))
    assert page.locator(".notice-error").count() == 1


def show_council_panels(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, COUNCIL)
    page.goto(app.url("/council/panels", language))
    assert page.locator("main table a").count() >= 1


def _council_panel(page: Any, app: RunningApp, site: Any) -> str:
    site.sign_in(page, COUNCIL)
    page.goto(app.url("/council/panels", "en"))
    return _first_link(page, app, "/council/panels/")


def show_council_panel(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_council_panel(page, app, site), language))
    assert page.locator("main table").count() == 1


def show_council_recommendation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_council_panel(page, app, site), "en"))
    page.goto(app.url(_first_link(page, app, "/council/panels/"), language))
    assert page.locator("#reasoning").count() == 1


def show_council_recommendation_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_council_recommendation(page, app, site, language)
    page.fill("#reasoning", "")
    _submit(page, "form[action$='/response']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


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
    "panel-selection-feasibility": show_selection_feasibility,
    "panel-selection-result": show_selection_result,
    "panel-selection-public": show_selection_public,
    "panel-selection-public-not-yet": show_selection_public_not_yet,
    "panel-public-finished": show_panel_public_finished,
    "panel-workspace": show_workspace_as_facilitator,
    "panel-workspace-with-errors": show_workspace_with_errors,
    "panel-workspace-member": show_workspace_as_member,
    "panel-session": show_workspace_session,
    "panel-session-member": show_workspace_session_as_member,
    "panel-recommendation-member": show_recommendation_as_member,
    "panel-recommendation-facilitator": show_recommendation_as_facilitator,
    "panel-join-unknown": show_join_unknown,
    "council-panels": show_council_panels,
    "council-panel": show_council_panel,
    "council-recommendation": show_council_recommendation,
    "council-recommendation-with-errors": show_council_recommendation_with_errors,
}

ROUTES: dict[str, list[str]] = {
    "/facilitator/panels": ["panels"],
    "/facilitator/panels/new": ["panel-new", "panel-new-with-errors"],
    "/facilitator/panels/{panel_id:int}": ["panel"],
    "/facilitator/panels/{panel_id:int}/quotas": ["panel-quotas", "panel-quotas-with-errors"],
    "/facilitator/panels/{panel_id:int}/recruitment": ["panel-recruitment", "panel-recruitment-with-errors"],
    "/facilitator/panels/{panel_id:int}/pool": ["panel-pool"],
    "/panels/{slug:str}": ["panel-public", "panel-public-finished"],
    "/panels/{slug:str}/register": ["panel-register", "panel-register-with-errors"],
    "/panels/{slug:str}/register/done": ["panel-registered"],
    "/facilitator/panels/{panel_id:int}/selection": ["panel-selection-feasibility", "panel-selection-result"],
    "/panels/{slug:str}/selection": ["panel-selection-public", "panel-selection-public-not-yet"],
    "/panels/{slug:str}/workspace": ["panel-workspace", "panel-workspace-with-errors", "panel-workspace-member"],
    "/panels/{slug:str}/workspace/sessions/{session_id:int}": ["panel-session", "panel-session-member"],
    "/panels/{slug:str}/workspace/recommendations/{recommendation_id:int}": [
        "panel-recommendation-member",
        "panel-recommendation-facilitator",
    ],
    "/panels/{slug:str}/join/{token:str}": ["panel-join-unknown"],
    "/council/panels": ["council-panels"],
    "/council/panels/{panel_id:int}": ["council-panel"],
    "/council/panels/{panel_id:int}/recommendations/{recommendation_id:int}": [
        "council-recommendation",
        "council-recommendation-with-errors",
    ],
    # Files, not pages: the PDF report, the published lottery, the frozen pool and the materials.
    "/facilitator/panels/{panel_id:int}/report.pdf": [],
    "/panels/{slug:str}/report.pdf": [],
    "/panels/{slug:str}/selection/{selection_id:int}/lottery.json": [],
    "/facilitator/panels/{panel_id:int}/selection/{selection_id:int}/export.zip": [],
    "/panels/{slug:str}/workspace/materials/{material_id:int}": [],
}
