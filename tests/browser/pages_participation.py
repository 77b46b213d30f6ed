"""Browser + axe scenarios for the participation pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo's rounds: Lähibudjetti 2026 with voting open and ballots cast over the past days, and
Omabudjetti 2024 whose voting has ended. The scenarios only read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

ADMIN = "admin@example.fi"
ASSISTANT = "avustaja@example.fi"
OPEN_ROUND = "lahibudjetti-2026"
ENDED_ROUND = "omabudjetti-2024"


def _check_figures(page: Any, app: RunningApp) -> None:
    assert page.locator("section.participation-table").count() == 6, app.explain("not every breakdown is there")


def show_public_participation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_ROUND}/participation", language))
    _check_figures(page, app)


def show_public_participation_after_voting(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"/processes/{ENDED_ROUND}/participation", language))
    _check_figures(page, app)


def show_staff_participation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/participation/{OPEN_ROUND}", language))
    _check_figures(page, app)
    # Staff see small counts as they are.
    assert "<5" not in page.locator("main").inner_text(), app.explain("the staff page suppressed a count")


def show_staff_participation_to_an_assistant(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(f"/participation/{ENDED_ROUND}", language))
    _check_figures(page, app)


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "participation-public": show_public_participation,
    "participation-public-after-voting": show_public_participation_after_voting,
    "participation-staff": show_staff_participation,
    "participation-staff-assistant": show_staff_participation_to_an_assistant,
}
ROUTES: dict[str, list[str]] = {
    "/processes/{slug:str}/participation": ["participation-public", "participation-public-after-voting"],
    "/participation/{slug:str}": ["participation-staff", "participation-staff-assistant"],
}
