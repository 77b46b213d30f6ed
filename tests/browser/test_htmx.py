"""The account search updates the list in place with htmx, and the address bar follows it.

Console errors and CSP violations are checked on every page of every browser test (the ``page`` fixture);
these tests add the htmx requests to that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import RunningApp, log_in

pytestmark = pytest.mark.browser

ADMIN = "admin@example.fi"


def open_user_search(page: Any, app: RunningApp, sign_in: Callable[..., None]) -> None:
    sign_in(page, ADMIN)
    page.goto(app.url("/admin/users", "en"))
    # Survives only if the page is never reloaded.
    page.evaluate("() => { window.pbNoReloadMarker = 'still here'; }")
    assert page.locator("#user-list tbody tr").count() > 1


def test_typing_in_the_search_box_updates_the_list_in_place(
    page: Any, app: RunningApp, sign_in: Callable[..., None]
) -> None:
    open_user_search(page, app, sign_in)
    fragments = []
    page.on("request", lambda request: fragments.append(request) if request.headers.get("hx-request") else None)

    page.locator("#q").press_sequentially("arvioija")
    page.wait_for_url("**/admin/users?q=arvioija*")

    rows = page.locator("#user-list tbody tr")
    assert rows.count() == 1, app.explain(
        f"expected one account, the list shows:\n{page.locator('#user-list').inner_text()}"
    )
    assert "arvioija@example.fi" in rows.first.inner_text()
    assert page.evaluate("() => window.pbNoReloadMarker") == "still here", "the page was reloaded, not updated"
    assert fragments, "the list was not fetched by htmx"
    # The fragment replaces the list only: still one search form and one h1 (no page nested in the page).
    assert page.locator("h1").count() == 1
    assert page.locator("form[role=search]").count() == 1
    assert page.evaluate("() => document.activeElement.id") == "q", "typing lost its place in the search box"


def test_choosing_a_role_filters_the_list_in_place(page: Any, app: RunningApp, sign_in: Callable[..., None]) -> None:
    open_user_search(page, app, sign_in)
    page.select_option("#role", "admin")
    page.wait_for_url("**/admin/users?*role=admin*")

    rows = page.locator("#user-list tbody tr")
    assert rows.count() == 1, app.explain(page.locator("#user-list").inner_text())
    assert ADMIN in rows.first.inner_text()
    assert page.evaluate("() => window.pbNoReloadMarker") == "still here", "the page was reloaded, not updated"


def test_the_back_button_brings_back_the_whole_list(page: Any, app: RunningApp, sign_in: Callable[..., None]) -> None:
    open_user_search(page, app, sign_in)
    everyone = page.locator("#user-list tbody tr").count()
    page.locator("#q").press_sequentially("admin")
    page.wait_for_url("**/admin/users?q=admin*")
    assert page.locator("#user-list tbody tr").count() < everyone

    page.go_back()
    page.wait_for_url(app.url("/admin/users?lang=en"))
    page.wait_for_function(f"() => document.querySelectorAll('#user-list tbody tr').length === {everyone}")
    assert page.locator("h1").count() == 1
    assert page.locator("#q").input_value() == ""


def test_the_search_works_without_javascript(browser: Any, app: RunningApp) -> None:
    # Every page works without JS: the same form is an ordinary GET form.
    context = browser.new_context(base_url=app.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, app, ADMIN)
        page.goto(app.url("/admin/users", "en"))
        page.fill("#q", "arvioija")
        with page.expect_navigation():
            page.click("form[role=search] button[type=submit]")
        assert "q=arvioija" in page.url
        assert page.locator("#user-list tbody tr").count() == 1, app.explain(page.locator("main").inner_text())
    finally:
        context.close()
