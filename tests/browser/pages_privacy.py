"""Browser + axe scenarios for the resident's own data and the privacy and accessibility pages (issue 7), merged
into tests/browser/test_accessibility.py's inventory (see its PAGES and ROUTES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ADMIN = "admin@example.fi"
RESIDENT = "asukas@example.fi"


def show_privacy(page: Any, app: Any, site: Any, language: str) -> None:
    page.goto(app.url("/privacy", language))
    assert page.locator("main h3").count() >= 10, "every category of pb.privacy.retention has a section"


def show_accessibility(page: Any, app: Any, site: Any, language: str) -> None:
    page.goto(app.url("/accessibility", language))


def show_account_deleted(page: Any, app: Any, site: Any, language: str) -> None:
    page.goto(app.url("/privacy/account-deleted", language))


def show_notifications(page: Any, app: Any, site: Any, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url("/account/notifications", language))
    assert page.locator("main input[type=checkbox]").count() == 3


def show_notifications_saved(page: Any, app: Any, site: Any, language: str) -> None:
    show_notifications(page, app, site, language)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("main .notice").count() == 1, "saving is confirmed in a notice"


def show_delete_account(page: Any, app: Any, site: Any, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url("/account/delete", language))
    assert page.locator("#password").count() == 1


def show_delete_account_with_errors(page: Any, app: Any, site: Any, language: str) -> None:
    # Sent empty: no choice and no password, so nothing is deleted and both errors show.
    show_delete_account(page, app, site, language)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".error-summary li").count() == 2
    assert page.locator("main [aria-invalid=true]").count() == 1


def show_delete_account_as_staff(page: Any, app: Any, site: Any, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/account/delete", language))
    assert page.locator("#password").count() == 0, "staff accounts are not deleted from this page"


PAGES: dict[str, Callable[[Any, Any, Any, str], None]] = {
    "privacy": show_privacy,
    "accessibility": show_accessibility,
    "account-deleted": show_account_deleted,
    "notifications": show_notifications,
    "notifications-saved": show_notifications_saved,
    "delete-account": show_delete_account,
    "delete-account-with-errors": show_delete_account_with_errors,
    "delete-account-as-staff": show_delete_account_as_staff,
}
ROUTES: dict[str, list[str]] = {
    "/privacy": ["privacy"],
    "/accessibility": ["accessibility"],
    "/privacy/account-deleted": ["account-deleted"],
    "/account/notifications": ["notifications", "notifications-saved"],
    "/account/delete": ["delete-account", "delete-account-with-errors", "delete-account-as-staff"],
    # Not a page: the JSON download (tests/privacy/test_export.py).
    "/account/data": [],
}
