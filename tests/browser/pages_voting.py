"""Browser + axe scenarios for the voting pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo: Lähibudjetti 2026 (voting open, the city-wide budget plus one district; one budget per ballot
format) as a code voter with the letter code DEMO-ITAI-0001, which no other browser test uses, and Omabudjetti
2024 (voting ended, results out) for the receipt check (the demo resident's receipt DEMO-2024-KUIT-0001) and the
anonymised ballots. The only ballot cast here is DEMO-ITAI-0001's in the city-wide budget, replaced on each run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

OPEN_VOTE = "lahibudjetti-2026"
ENDED_VOTE = "omabudjetti-2024"
CODE = "DEMO-ITAI-0001"
RECEIPT_2024 = "DEMO-2024-KUIT-0001"
# The budgets of the open round by their Finnish names, one per ballot format.
APPROVAL, K_APPROVAL, CUMULATIVE, RANKED = "Koko kaupunki", "Keskusta", "Pohjoinen suurpiiri", "Saaristo"
_budget_paths: dict[str, str] = {}


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def enter_code(page: Any, app: RunningApp, code: str) -> None:
    """Become a code voter of the open round, as a person with the letter does."""
    page.goto(app.url(f"/processes/{OPEN_VOTE}/vote/code", "fi"))
    page.fill("#code", code)
    _submit(page, "main form[action$='/vote/code']")
    assert page.url.startswith(app.url(f"/processes/{OPEN_VOTE}/vote")), app.explain(f"the code {code} was refused")


def budget_path(page: Any, app: RunningApp, name: str) -> str:
    """The ballot page of a budget, found from a code voter's overview (ids depend on the demo's order)."""
    if not _budget_paths:
        page.goto(app.url(f"/processes/{OPEN_VOTE}/vote", "fi"))
        cards = page.locator("ul.voting-budgets > li")
        for index in range(cards.count()):
            card = cards.nth(index)
            link = card.locator(f"a[href^='/processes/{OPEN_VOTE}/vote/']").first
            _budget_paths[card.locator("h2").inner_text()] = str(link.get_attribute("href"))
    assert name in _budget_paths, app.explain(f"no ballot link for {name}: {_budget_paths}")
    return _budget_paths[name]


def show_overview(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_VOTE}/vote", language))
    assert page.locator(f"main a[href='/processes/{OPEN_VOTE}/vote/code']").count() == 1


def show_overview_code_voter(page: Any, app: RunningApp, site: Any, language: str) -> None:
    enter_code(page, app, CODE)
    page.goto(app.url(f"/processes/{OPEN_VOTE}/vote", language))
    assert page.locator("ul.voting-budgets > li").count() == 4, app.explain("the code voter's budgets are missing")


def show_overview_ended(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{ENDED_VOTE}/vote", language))
    assert page.locator(f"main a[href='/processes/{ENDED_VOTE}/receipt']").count() == 1


def show_code(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_VOTE}/vote/code", language))


def show_code_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_code(page, app, site, language)
    page.fill("#code", "AAAA-BBBB-CCCC")
    _submit(page, "main form[action$='/vote/code']")
    assert page.locator("#code-error").count() == 1


def _ballot(name: str) -> Callable[[Any, RunningApp, Any, str], None]:
    def show(page: Any, app: RunningApp, site: Any, language: str) -> None:
        enter_code(page, app, CODE)
        page.goto(app.url(budget_path(page, app, name), language))
        assert page.locator("#ballot-total[aria-live='polite']").count() == 1, app.explain(f"no ballot for {name}")

    return show


def show_ballot_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ballot(APPROVAL)(page, app, site, language)
    # Every project of the city-wide budget together costs more than the budget.
    for index in range(page.locator("input[name=project]").count()):
        page.locator("input[name=project]").nth(index).check()
    with page.expect_navigation():
        page.click("main button[value=review]")
    assert page.locator("#choices-error").count() == 1, app.explain("the over-budget ballot was not refused")


def show_review(page: Any, app: RunningApp, site: Any, language: str) -> None:
    _ballot(APPROVAL)(page, app, site, language)
    page.locator("input[name=project]").first.check()
    with page.expect_navigation():
        page.click("main button[value=review]")
    assert page.locator("form.cast-form").count() == 1, app.explain("no review step")


def show_done(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_review(page, app, site, language)
    with page.expect_navigation():
        page.click("form.cast-form button[type=submit]:not([formaction])")
    assert page.locator(".receipt-code code").count() == 1, app.explain("no receipt after casting")


def show_refused(page: Any, app: RunningApp, site: Any, language: str) -> None:
    enter_code(page, app, CODE)
    path = budget_path(page, app, APPROVAL)
    page.context.clear_cookies()
    response = page.goto(app.url(path, language))
    assert response is not None and response.status == 403


def show_receipt(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{ENDED_VOTE}/receipt", language))
    assert page.locator("#receipt").count() == 1


def show_receipt_found(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_receipt(page, app, site, language)
    page.fill("#receipt", RECEIPT_2024)
    _submit(page, "main form[action$='/receipt']")
    assert page.locator(".receipt-result.notice-success").count() == 1, app.explain("the demo receipt was not found")


def show_receipt_not_found(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_receipt(page, app, site, language)
    page.fill("#receipt", "AAAA-BBBB-CCCC-DDDD")
    _submit(page, "main form[action$='/receipt']")
    assert page.locator(".receipt-result.notice-error").count() == 1


def show_receipt_before_results(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_VOTE}/receipt", language))
    assert page.locator("#receipt").count() == 0


def show_ballots(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{ENDED_VOTE}/receipt", "fi"))
    path = page.locator("main a[href^='/processes/omabudjetti-2024/ballots/']").first.get_attribute("href")
    page.goto(app.url(str(path), language))
    # Online ballots show their receipt's hash, paper ballots (pb.demo_paper's, if loaded) say so instead.
    assert page.locator("table.ballot-table tbody tr").count() == 50, app.explain("the first page is not full")
    assert page.locator("code.receipt-hash").count() > 0, app.explain("no receipt hashes on the ballot list")


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "vote-overview": show_overview,
    "vote-overview-code-voter": show_overview_code_voter,
    "vote-overview-ended": show_overview_ended,
    "vote-code": show_code,
    "vote-code-with-errors": show_code_with_errors,
    "vote-ballot-approval": _ballot(APPROVAL),
    "vote-ballot-k-approval": _ballot(K_APPROVAL),
    "vote-ballot-cumulative": _ballot(CUMULATIVE),
    "vote-ballot-ranked": _ballot(RANKED),
    "vote-ballot-with-errors": show_ballot_with_errors,
    "vote-review": show_review,
    "vote-refused": show_refused,
    "vote-done": show_done,
    "vote-receipt": show_receipt,
    "vote-receipt-found": show_receipt_found,
    "vote-receipt-not-found": show_receipt_not_found,
    "vote-receipt-before-results": show_receipt_before_results,
    "vote-ballots": show_ballots,
}

ROUTES = {
    "/processes/{slug:str}/vote": ["vote-overview", "vote-overview-code-voter", "vote-overview-ended"],
    "/processes/{slug:str}/vote/code": ["vote-code", "vote-code-with-errors"],
    "/processes/{slug:str}/vote/{budget_id:int}": [
        "vote-ballot-approval",
        "vote-ballot-k-approval",
        "vote-ballot-cumulative",
        "vote-ballot-ranked",
        "vote-ballot-with-errors",
        "vote-review",
        "vote-refused",
    ],
    "/processes/{slug:str}/vote/{budget_id:int}/done": ["vote-done"],
    "/processes/{slug:str}/receipt": [
        "vote-receipt",
        "vote-receipt-found",
        "vote-receipt-not-found",
        "vote-receipt-before-results",
    ],
    "/processes/{slug:str}/ballots/{budget_id:int}": ["vote-ballots"],
}
