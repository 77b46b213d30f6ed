"""Browser + axe scenarios for eligibility (merged into test_accessibility.py's PAGES and ROUTES): the resident's
census check and the admin's rules of the vote, census and voting codes.

They use the demo: Lähibudjetti 2026 (voting open, so its rules are locked; census and codes imported), Omabudjetti
2026 (proposals, so its rules can still be changed) and Omabudjetti 2024 (voting ended). Forms are sent only with
errors, except one: the council member proves their voting right in Lähibudjetti 2026 as a generated census person
nobody else uses, so the demo resident stays unproven for the voting pages' scenarios.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pb.demo_voting import SPARE_PERSON
from tests.browser.support import RunningApp

RESIDENT = "asukas@example.fi"
ADMIN = "admin@example.fi"
COUNCIL_MEMBER = "valtuutettu@example.fi"
OPEN_VOTE = "lahibudjetti-2026"
PROPOSALS_ROUND = "omabudjetti-2026"
ENDED_VOTE = "omabudjetti-2024"
ADMIN_NAMES = {OPEN_VOTE: "Lähibudjetti 2026", PROPOSALS_ROUND: "Omabudjetti 2026"}


def _unused_census_person() -> tuple[str, str]:
    """The demo census's spare person, whom no demo ballot or account uses: identifier and birth date (D.M.YYYY)."""
    identifier, birth, _district = SPARE_PERSON
    return identifier, f"{birth.day}.{birth.month}.{birth.year}"


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _admin_process(page: Any, app: RunningApp, slug: str) -> str:
    """The admin page of a round, found from the admin's list of rounds (ids depend on the demo's order)."""
    page.goto(app.url("/admin/processes", "fi"))
    link = page.locator("main a[href^='/admin/processes/']", has_text=ADMIN_NAMES[slug]).first
    href = link.get_attribute("href")
    assert href, app.explain(f"no admin link to {slug}")
    return str(href)


def show_eligibility(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/processes/{OPEN_VOTE}/eligibility", language))
    assert page.locator("#identifier").count() == 1, app.explain("the demo resident should not be proven yet")
    assert page.locator("#code").count() == 0  # the census check alone is accepted in this round


def show_eligibility_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_eligibility(page, app, site, language)
    page.fill("#birth_date", "15/5/1990")
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("main [aria-invalid=true]").count() == 2


def show_eligibility_proven(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, COUNCIL_MEMBER)
    page.goto(app.url(f"/processes/{OPEN_VOTE}/eligibility", language))
    if page.locator("#identifier").count():
        identifier, birth_date = _unused_census_person()
        page.fill("#identifier", identifier)
        page.fill("#birth_date", birth_date)
        _submit(page, "main form[method=post]")
        page.goto(app.url(f"/processes/{OPEN_VOTE}/eligibility", language))
    assert page.locator(f"main a[href='/processes/{OPEN_VOTE}/vote']").count() == 1, app.explain(
        page.locator("main").inner_text()
    )


def show_eligibility_ended(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/processes/{ENDED_VOTE}/eligibility", language))
    assert page.locator("#identifier").count() == 0


def show_admin_voting(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(_admin_process(page, app, PROPOSALS_ROUND) + "/voting", language))
    assert page.locator("#minimum_age").count() == 1


def show_admin_voting_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_admin_voting(page, app, site, language)
    page.fill("#minimum_age", "twelve")
    page.locator("input[name=voting_methods]").evaluate_all("boxes => boxes.forEach(box => { box.checked = false })")
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#minimum_age[aria-invalid=true]").count() == 1


def show_admin_voting_locked(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(_admin_process(page, app, OPEN_VOTE) + "/voting", language))
    assert page.locator("main form[method=post]").count() == 0
    assert page.locator("main table.data tbody tr").count() == 4  # one row per budget


def show_admin_census(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(_admin_process(page, app, OPEN_VOTE) + "/census", language))
    assert page.locator("main table.data tbody tr").count() == 5  # the demo census covers all five districts


def show_admin_census_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_admin_census(page, app, site, language)
    bad = b"150590-901A;15.5.1990;keskusta\n020310A902B;30.2.2010;saaristo\n"
    page.set_input_files("#census_file", {"name": "census.csv", "mimeType": "text/csv", "buffer": bad})
    _submit(page, "main form[method=post]")
    assert page.locator(".eligibility-problems li").count() == 1


def show_admin_codes(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(_admin_process(page, app, OPEN_VOTE) + "/codes", language))
    assert page.locator("main table.data tbody tr").count() >= 5


def show_admin_codes_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_admin_codes(page, app, site, language)
    _submit(page, "main form[action$='/codes']")
    assert page.locator(".error-summary").count() == 1


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "eligibility": show_eligibility,
    "eligibility-with-errors": show_eligibility_with_errors,
    "eligibility-proven": show_eligibility_proven,
    "eligibility-ended": show_eligibility_ended,
    "admin-voting": show_admin_voting,
    "admin-voting-with-errors": show_admin_voting_with_errors,
    "admin-voting-locked": show_admin_voting_locked,
    "admin-census": show_admin_census,
    "admin-census-with-errors": show_admin_census_with_errors,
    "admin-codes": show_admin_codes,
    "admin-codes-with-errors": show_admin_codes_with_errors,
}

ROUTES: dict[str, list[str]] = {
    "/processes/{slug:str}/eligibility": [
        "eligibility",
        "eligibility-with-errors",
        "eligibility-proven",
        "eligibility-ended",
    ],
    "/admin/processes/{process_id:int}/voting": ["admin-voting", "admin-voting-with-errors", "admin-voting-locked"],
    "/admin/processes/{process_id:int}/census": ["admin-census", "admin-census-with-errors"],
    "/admin/processes/{process_id:int}/codes": ["admin-codes", "admin-codes-with-errors"],
}
