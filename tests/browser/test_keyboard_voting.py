"""A person who uses only the keyboard can vote in each ballot format (issue 4: "Browser tests cast each ballot
format keyboard-only"; WCAG 2.1 SC 2.1.1). Focus moves with Tab, links and buttons are used with Enter,
checkboxes with Space, a select with the arrow keys, and text is typed key by key.

Each test is a code voter of the demo's Lähibudjetti 2026 with a letter code no other browser test uses; under the
round's rule (the city-wide budget plus one district) each district's ballot needs a voter of its own.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.support import RunningApp, tab_to

pytestmark = pytest.mark.browser

ROUND = "lahibudjetti-2026"
RECEIPT = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def press_enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def total_says(page: Any, app: RunningApp, pattern: str) -> None:
    """Wait until the aria-live total (updated by htmx after the change) matches the regular expression
    `pattern` (numbers only, so that it holds in every language; any run of spaces reads as one space)."""
    try:
        page.wait_for_function(
            "pattern => new RegExp(pattern)"
            ".test(document.querySelector('#ballot-total').innerText.replace(/\\s+/g, ' '))",
            arg=pattern,
            timeout=5000,
        )
    except Exception as error:  # Playwright's TimeoutError: say what the total said instead
        said = page.locator("#ballot-total").inner_text()
        raise AssertionError(app.explain(f"the running total never matched {pattern!r}; it says {said!r}")) from error


def start_as_code_voter(page: Any, app: RunningApp, code: str, budget: str) -> None:
    """From the round's page to the ballot of `budget` (its Finnish name) with the keyboard."""
    page.goto(app.url(f"/processes/{ROUND}", "fi"))
    tab_to(page, f"main a[href='/processes/{ROUND}/vote']")
    press_enter_and_wait(page)
    tab_to(page, f"main a[href='/processes/{ROUND}/vote/code']")
    press_enter_and_wait(page)
    tab_to(page, "#code")
    page.keyboard.type(code)
    press_enter_and_wait(page)
    card = page.locator("ul.voting-budgets > li", has=page.locator("h2", has_text=re.compile(f"^{budget}$")))
    href = card.locator(f"a[href^='/processes/{ROUND}/vote/']").first.get_attribute("href")
    assert href, app.explain(f"the code voter {code} has no ballot link for {budget}")
    tab_to(page, f"main a[href='{href}']")
    press_enter_and_wait(page)
    assert page.url.startswith(app.url(href)), app.explain(f"expected the ballot {href}, got {page.url}")


def field_of(page: Any, title: str) -> str:
    """The id of the form field of the project with this title."""
    return str(page.locator("label.project-title", has_text=title).get_attribute("for"))


def review_and_cast(page: Any, app: RunningApp) -> str:
    tab_to(page, "main button[value=review]")
    press_enter_and_wait(page)
    assert page.locator("form.cast-form").count() == 1, app.explain(f"the review step did not open: {page.url}")
    tab_to(page, "form.cast-form button[type=submit]:not([formaction])")
    press_enter_and_wait(page)
    receipt = page.locator(".receipt-code code").inner_text()
    assert RECEIPT.match(receipt), app.explain(f"no receipt code on {page.url}: {receipt!r}")
    return str(receipt)


def test_a_keyboard_user_chooses_projects_within_the_budget(page: Any, app: RunningApp) -> None:
    start_as_code_voter(page, app, "DEMO-LANT-0008", "Koko kaupunki")

    for title in ("Kirjastoauto kiertämään kyliä", "Esteetön uimaranta"):
        tab_to(page, f"#{field_of(page, title)}")
        page.keyboard.press("Space")
    # 300 000 € less 90 000 € and 120 000 €.
    total_says(page, app, r"\b210 000,00 €.*\b90 000,00 €")

    review_and_cast(page, app)
    assert "Esteetön uimaranta" in page.locator("main").inner_text()


def test_a_keyboard_user_chooses_up_to_k_projects(page: Any, app: RunningApp) -> None:
    start_as_code_voter(page, app, "DEMO-KESK-0008", "Keskusta")

    for title in ("Torin joulukuusi", "Penkkejä Keskuspuistoon"):
        tab_to(page, f"#{field_of(page, title)}")
        page.keyboard.press("Space")
    total_says(page, app, r"\b2\b.*\b3\b")  # two chosen of at most three

    review_and_cast(page, app)
    assert "Torin joulukuusi" in page.locator("main").inner_text()


def test_a_keyboard_user_distributes_points(page: Any, app: RunningApp) -> None:
    start_as_code_voter(page, app, "DEMO-POHJ-0008", "Pohjoinen suurpiiri")

    tab_to(page, f"#{field_of(page, 'Koirapuisto')}")
    page.keyboard.type("5")
    tab_to(page, f"#{field_of(page, 'Grillikatos')}")
    page.keyboard.type("3")
    page.keyboard.press("Tab")  # leaving the field is the change htmx listens to
    total_says(page, app, r"\b8\b.*\b10\b.*\b2\b")  # 8 of 10 points given, 2 left

    review_and_cast(page, app)
    assert "Grillikatos" in page.locator("main").inner_text()


def test_a_keyboard_user_ranks_projects(page: Any, app: RunningApp) -> None:
    start_as_code_voter(page, app, "DEMO-SAAR-0008", "Saaristo")
    titles = page.locator("label.project-title")
    upper, lower = titles.nth(0).inner_text(), titles.nth(1).inner_text()

    # The project listed lower is the voter's first choice: the order of the ballot is the voter's, not the page's.
    tab_to(page, f"#{field_of(page, upper)}")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "not ranked" -> place 1 -> place 2
    tab_to(page, f"#{field_of(page, lower)}")
    page.keyboard.press("ArrowDown")  # place 1
    assert page.locator(f"#{field_of(page, upper)}").input_value() == "2"
    assert page.locator(f"#{field_of(page, lower)}").input_value() == "1"

    review_and_cast(page, app)
    order = page.locator("main ol.chosen-list li").all_inner_texts()
    assert order == [lower, upper], app.explain(f"the ballot was read back as {order}")
