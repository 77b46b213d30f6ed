"""Browser + axe scenarios for assisted voting and paper ballots (merged into test_accessibility.py's PAGES and
ROUTES).

They use the demo: the open round Lähibudjetti 2026 for the assistant's start form and the paper register, and the
ended round Omabudjetti 2024 for the batches and the reconciliation, whose paper ballots pb.demo_paper makes
(the batch "Kirjasto 1" accepted, "Kirjasto 2" with entries that differ, round 1 of both typed by the voting
assistant). No scenario changes stored data: forms are sent only with errors, and the one kiosk session is
started in a login of its own, so other scenarios' sessions of the assistant never hold a kiosk voter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp, log_in

ASSISTANT = "avustaja@example.fi"
OPEN_ROUND = "lahibudjetti-2026"
ENDED_ROUND = "omabudjetti-2024"
# The demo's census person for assisted voting (see the demo data notes).
KIOSK_PERSON = ("020310A902B", "2.3.2010")


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _batch_link(page: Any, app: RunningApp, label: str) -> str:
    page.goto(app.url(f"/paper/{ENDED_ROUND}/batches", "en"))
    link = page.locator("main table.data a", has_text=label)
    assert link.count() == 1, app.explain(f"the demo has no paper batch {label} in {ENDED_ROUND}")
    return str(link.get_attribute("href"))


def show_assist(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url("/assist", language))
    assert page.locator(f"main a[href='/assist/{OPEN_ROUND}']").count() == 1


def show_assist_start(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(f"/assist/{OPEN_ROUND}", language))
    assert page.locator("#identifier").count() == 1
    assert page.locator(".kiosk-in-progress").count() == 0


def show_assist_start_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_assist_start(page, app, site, language)
    _submit(page, "main form.assist-form")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("main [aria-invalid=true]").count() == 3


def show_assist_in_progress(page: Any, app: RunningApp, site: Any, language: str) -> None:
    # A login of its own: the kiosk voter stays in this session only.
    log_in(page, app, ASSISTANT)
    page.goto(app.url(f"/assist/{OPEN_ROUND}", language))
    page.check("#id_checked")
    page.fill("#identifier", KIOSK_PERSON[0])
    page.fill("#birth_date", KIOSK_PERSON[1])
    _submit(page, "main form.assist-form")
    assert f"/processes/{OPEN_ROUND}/vote" in page.url, app.explain(page.locator("main").inner_text())
    page.goto(app.url(f"/assist/{OPEN_ROUND}", language))
    assert page.locator(".kiosk-in-progress").count() == 1


def show_paper(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url("/paper", language))
    for slug in (OPEN_ROUND, ENDED_ROUND):
        assert page.locator(f"main a[href='/paper/{slug}/register']").count() == 1, slug


def show_paper_register(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(f"/paper/{OPEN_ROUND}/register", language))
    assert page.locator("#sheet").count() == 1


def show_paper_register_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_paper_register(page, app, site, language)
    _submit(page, "main form.paper-form")
    assert page.locator(".error-summary").count() == 1


def show_paper_batches(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(f"/paper/{ENDED_ROUND}/batches", language))
    assert page.locator("main table.data tbody tr").count() >= 2, app.explain("the demo's paper batches are missing")


def show_paper_batches_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_paper_batches(page, app, site, language)
    _submit(page, "main form[action$='/batches']")
    assert page.locator(".error-summary").count() == 1


def show_paper_batch(label: str, marker: str) -> Callable[[Any, RunningApp, Any, str], None]:
    def show(page: Any, app: RunningApp, site: Any, language: str) -> None:
        site.sign_in(page, ASSISTANT)
        page.goto(app.url(_batch_link(page, app, label), language))
        assert page.locator(marker).count() >= 1, app.explain(f"{marker} missing on batch {label}")

    return show


def show_paper_round(page: Any, app: RunningApp, site: Any, language: str) -> None:
    # The assistant typed round 1 of "Kirjasto 2"; the entries differ, so the entry is open for correction.
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(_batch_link(page, app, "Kirjasto 2") + "/rounds/1", language))
    assert page.locator("main form.paper-sheet-form").count() == 1
    assert page.locator("table.paper-differences tbody tr").count() == 1


def show_paper_round_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_paper_round(page, app, site, language)
    _submit(page, "main form.paper-sheet-form")
    assert page.locator(".error-summary").count() == 1


def show_paper_reconciliation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, ASSISTANT)
    page.goto(app.url(f"/paper/{ENDED_ROUND}/reconciliation", language))
    assert page.locator("main table.data").nth(1).locator("tbody tr").count() == 2, app.explain("expected two cases")


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "assist": show_assist,
    "assist-start": show_assist_start,
    "assist-start-with-errors": show_assist_start_with_errors,
    "assist-in-progress": show_assist_in_progress,
    "paper": show_paper,
    "paper-register": show_paper_register,
    "paper-register-with-errors": show_paper_register_with_errors,
    "paper-batches": show_paper_batches,
    "paper-batches-with-errors": show_paper_batches_with_errors,
    "paper-batch-accepted": show_paper_batch("Kirjasto 1", "main .notice-success"),
    "paper-batch-different": show_paper_batch("Kirjasto 2", "table.paper-differences"),
    "paper-round": show_paper_round,
    "paper-round-with-errors": show_paper_round_with_errors,
    "paper-reconciliation": show_paper_reconciliation,
}

ROUTES: dict[str, list[str]] = {
    "/assist": ["assist"],
    "/assist/{slug:str}": ["assist-start", "assist-start-with-errors", "assist-in-progress"],
    "/paper": ["paper"],
    "/paper/{slug:str}/register": ["paper-register", "paper-register-with-errors"],
    "/paper/{slug:str}/batches": ["paper-batches", "paper-batches-with-errors"],
    "/paper/{slug:str}/batches/{batch_id:int}": ["paper-batch-accepted", "paper-batch-different"],
    "/paper/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}": ["paper-round", "paper-round-with-errors"],
    "/paper/{slug:str}/reconciliation": ["paper-reconciliation"],
}
