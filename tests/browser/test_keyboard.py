"""A person who uses only the keyboard can register, confirm their address and log in (WCAG 2.1 SC 2.1.1).

No mouse clicks and no page.fill: focus moves with Tab, links and buttons are used with Enter, the checkbox
with Space, and text is typed key by key.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.support import RunningApp, tab_to

pytestmark = pytest.mark.browser

NEW_RESIDENT = "keyboard.user@example.fi"
PASSWORD = "maple river lantern 42"


def press_enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const e = document.activeElement; return {expression}; }}")


def test_a_keyboard_user_can_register_confirm_their_address_and_log_in(page: Any, app: RunningApp) -> None:
    page.goto(app.url("/", "fi"))

    page.keyboard.press("Tab")
    assert focused(page, "e.classList.contains('skip-link')"), "the first focusable element is not the skip link"
    tab_to(page, "a[href='/register']")
    press_enter_and_wait(page)
    assert page.url.startswith(app.url("/register")), app.explain(f"expected the register page, got {page.url}")

    tab_to(page, "#email")
    page.keyboard.type(NEW_RESIDENT)
    tab_to(page, "#display_name")
    page.keyboard.type("Kalle Näppäimistö")
    tab_to(page, "#password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#password_again")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#accept_terms")
    page.keyboard.press("Space")
    assert page.locator("#accept_terms").is_checked(), "Space did not tick the privacy checkbox"
    tab_to(page, "main form button[type=submit]")
    press_enter_and_wait(page)
    assert page.url == app.url("/register/sent"), app.explain(f"registration did not go through: {page.url}")
    assert page.locator("h1").count() == 1

    # Opening the link in the email is the one step that happens outside the page.
    page.goto(app.link_in_newest_email(NEW_RESIDENT, "/verify-email/"))
    tab_to(page, "main form button[type=submit]")
    press_enter_and_wait(page)
    assert page.url == app.url("/login?notice=verified"), app.explain(f"confirming did not go through: {page.url}")

    tab_to(page, "#email")
    page.keyboard.type(NEW_RESIDENT)
    page.keyboard.press("Tab")
    assert focused(page, "e.id") == "password", "Tab from the email field does not go to the password field"
    page.keyboard.type(PASSWORD)
    press_enter_and_wait(page)  # Enter in a text field sends the form (HTML implicit submission).
    assert "/login" not in page.url, app.explain(f"logging in did not go through: {page.url}")

    tab_to(page, "a[href='/account']")
    press_enter_and_wait(page)
    assert page.url == app.url("/account"), app.explain(f"expected the account page, got {page.url}")
    assert NEW_RESIDENT in page.locator("main").inner_text()
    assert page.locator("main .tag-ok").count() == 1, "the account page does not show the address as confirmed"


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_main_content(page: Any, app: RunningApp) -> None:
    # WCAG 2.1 SC 2.4.1 Bypass Blocks.
    page.goto(app.url("/login", "sv"))
    page.keyboard.press("Tab")
    assert focused(page, "e.classList.contains('skip-link')"), "the first focusable element is not the skip link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert focused(page, "e.id") == "main", "the skip link does not move focus to the main content"
    page.keyboard.press("Tab")
    assert focused(page, "!!e.closest('main')"), "Tab after the skip link leaves the main content"


@pytest.mark.parametrize("selector", [".skip-link", ".brand", "nav a[href='/register']", "main form button"])
def test_the_keyboard_focus_is_visible(page: Any, app: RunningApp, selector: str) -> None:
    # WCAG 2.1 SC 2.4.7 Focus Visible.
    path = "/login" if selector == "main form button" else "/"
    page.goto(app.url(path, "en"))
    tab_to(page, selector)
    style = focused(
        page,
        "(() => { const s = getComputedStyle(e);"
        " return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; })()",
    )
    has_outline = style["outline"] != "none" and style["width"] not in {"0px", ""}
    assert has_outline or style["shadow"] != "none", f"{selector} shows no focus indicator: {style}"
