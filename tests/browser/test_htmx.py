"""The account search and the proposal filters update their lists in place with htmx, and the address bar follows
them; supporting a proposal and posting a comment happen in place too.

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
RESIDENT = "asukas@example.fi"
PROPOSALS = "/processes/omabudjetti-2026/proposals"


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


# --- participatory budgeting -----------------------------------------------------------------------------------


def mark_page(page: Any) -> None:
    page.evaluate("() => { window.pbNoReloadMarker = 'still here'; }")


def assert_not_reloaded(page: Any) -> None:
    assert page.evaluate("() => window.pbNoReloadMarker") == "still here", "the page was reloaded, not updated"


def open_proposal_list(page: Any, app: RunningApp) -> list[Any]:
    """The open round's proposals; returns the list that collects the htmx requests made from now on."""
    page.goto(app.url(PROPOSALS, "en"))
    mark_page(page)
    fragments: list[Any] = []
    page.on("request", lambda request: fragments.append(request) if request.headers.get("hx-request") else None)
    return fragments


def test_choosing_a_status_filters_the_proposals_in_place(page: Any, app: RunningApp) -> None:
    fragments = open_proposal_list(page, app)
    assert page.locator(".proposal-card").count() >= 8

    page.select_option("#status", "withdrawn")
    page.wait_for_url("**/proposals?*status=withdrawn*")

    cards = page.locator("#proposal-list .proposal-card")
    cards.first.wait_for()
    assert cards.count() == 1, app.explain(page.locator("#proposal-list").inner_text())
    assert "Suihkulähde torille" in cards.first.inner_text()
    assert_not_reloaded(page)
    assert fragments, "the list was not fetched by htmx"
    assert page.locator("h1").count() == 1
    assert page.locator("form[role=search]").count() == 1


def test_searching_the_proposals_updates_the_list_in_place(page: Any, app: RunningApp) -> None:
    fragments = open_proposal_list(page, app)

    page.locator("#q").press_sequentially("Skeittipaikka")
    page.wait_for_url("**/proposals?q=Skeittipaikka*")
    page.wait_for_function("() => document.querySelectorAll('#proposal-list .proposal-card').length === 1")

    assert "Skeittipaikka nuorille" in page.locator("#proposal-list .proposal-card").first.inner_text()
    assert_not_reloaded(page)
    assert fragments, "the list was not fetched by htmx"
    assert page.locator("h1").count() == 1
    assert page.evaluate("() => document.activeElement.id") == "q", "typing lost its place in the search box"

    page.locator("#q").fill("zzxqvw")
    page.wait_for_url("**/proposals?q=zzxqvw*")
    page.wait_for_function("() => document.querySelectorAll('#proposal-list .proposal-card').length === 0")
    assert_not_reloaded(page)


def open_proposal(page: Any, app: RunningApp, title: str) -> None:
    page.goto(app.url(PROPOSALS + "?sort=newest", "en"))
    with page.expect_navigation():
        page.get_by_role("link", name=title, exact=True).click()
    mark_page(page)


def test_the_support_button_toggles_in_place(page: Any, app: RunningApp, sign_in: Callable[..., None]) -> None:
    sign_in(page, RESIDENT)
    # The demo resident supports every proposal of the open round.
    open_proposal(page, app, "Penkkejä Keskuspuistoon")
    support = page.locator("#support")
    count_before = support.locator(".support-count").inner_text()

    support.get_by_role("button", name="Take back my support").click()
    support.get_by_role("button", name="Support this proposal").wait_for()
    count_without = support.locator(".support-count").inner_text()
    assert count_without != count_before, f"the count did not change: {count_without}"

    support.get_by_role("button", name="Support this proposal").click()
    support.get_by_role("button", name="Take back my support").wait_for()
    assert support.locator(".support-count").inner_text() == count_before
    assert page.locator("#support").count() == 1, "the fragment was nested instead of replacing the block"
    assert_not_reloaded(page)


def test_posting_a_comment_adds_it_to_the_thread_in_place(
    page: Any, app: RunningApp, sign_in: Callable[..., None]
) -> None:
    sign_in(page, RESIDENT)
    open_proposal(page, app, "Penkkejä Keskuspuistoon")
    text = "Penkkeihin myös selkänojat, kiitos."
    comments_before = page.locator("#comment-list li.comment").count()

    page.check("#comment-stance-for")
    page.fill("#comment-body", text)
    page.click("#comment-form button[type=submit]")

    new_comment = page.locator("#comment-list > li.comment", has_text=text)
    new_comment.wait_for()
    assert page.locator("#comment-list li.comment").count() == comments_before + 1
    assert_not_reloaded(page)
    # The form is fresh again, and the change was announced to screen readers (WCAG 2.1 SC 4.1.3).
    assert page.locator("#comment-form").count() == 1
    assert page.locator("#comment-body").input_value() == ""
    assert page.locator("#comments-status").inner_text().strip(), "the new comment was not announced"
    assert page.locator("h1").count() == 1
