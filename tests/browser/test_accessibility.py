"""Every GET page, in Finnish, Swedish and English, passes axe-core's WCAG 2.1 A/AA rules.

Besides axe: the page declares the language it is in (WCAG 2.1 SC 3.1.1), has exactly one h1, and reflows at
320 CSS pixels without scrolling sideways (SC 1.4.10). Forms are also checked with their errors showing, since
that is when people who need the help most are reading them (SC 3.3.1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import LANGUAGES, RunningApp, assert_no_axe_violations

pytestmark = pytest.mark.browser

RESIDENT = "asukas@example.fi"
ADMIN = "admin@example.fi"
# Registered by the site fixture and never confirmed.
UNCONFIRMED = "unconfirmed@example.fi"
UNCONFIRMED_PASSWORD = "four words in a row"


@dataclass(frozen=True)
class Site:
    """What showing the pages needs: signing in, and links that exist only after something has happened."""

    sign_in: Callable[..., None]

    verify_email: str
    reset_password: str
    admin_user_page: str
    admin_own_page: str


@pytest.fixture(scope="package")
def site(browser: Any, app: RunningApp, sign_in: Callable[..., None]) -> Site:
    """Registers an account, asks for a password reset and changes a role, once for the whole session."""
    context = browser.new_context(base_url=app.base_url)
    page = context.new_page()
    try:
        # An account waiting for its address to be confirmed (the link is only looked at, never used).
        page.goto(app.url("/register", "en"))
        page.fill("#email", UNCONFIRMED)
        page.fill("#display_name", "Una Unconfirmed")
        page.fill("#password", UNCONFIRMED_PASSWORD)
        page.fill("#password_again", UNCONFIRMED_PASSWORD)
        page.check("#accept_terms")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        verify_email = app.link_in_newest_email(UNCONFIRMED, "/verify-email/")

        page.goto(app.url("/password-reset", "en"))
        page.fill("#email", RESIDENT)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        reset_password = app.link_in_newest_email(RESIDENT, "/password-reset/")

        sign_in(page, ADMIN)
        page.goto(app.url(f"/admin/users?q={ADMIN}", "en"))
        admin_own_page = page.locator("#user-list a[href^='/admin/users/']").get_attribute("href")
        # A staff member's roles change, so the audit log has rows.
        page.goto(app.url("/admin/users?q=arvioija", "en"))
        admin_user_page = page.locator("#user-list a[href^='/admin/users/']").get_attribute("href")
        page.goto(app.url(admin_user_page))
        page.check("#role-moderator")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.locator("#role-moderator").is_checked(), app.explain("the role change was not saved")
    finally:
        context.close()
    return Site(
        sign_in=sign_in,
        verify_email=verify_email,
        reset_password=reset_password,
        admin_user_page=admin_user_page,
        admin_own_page=admin_own_page,
    )


def submit(page: Any, form: str = "main form[method=post]") -> None:
    """Send the form empty or as filled, and wait for the page that answers (a 422 with errors)."""
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def show_home(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/", language))


def show_register(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/register", language))


def show_register_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/register", language))
    page.fill("#email", "not an address")
    page.fill("#password", "short")
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_register_sent(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/register/sent", language))


def show_verify(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.verify_email.removeprefix(app.base_url), language))
    assert page.locator("main form button[type=submit]").count() == 1, "the verification link should be valid"


def show_verify_expired(page: Any, app: RunningApp, site: Site, language: str) -> None:
    response = page.goto(app.url("/verify-email/no-such-token", language))
    assert response.status == 404


def show_login(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/login", language))


def show_login_with_notice(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/login?notice=verified", language))
    assert page.locator("main .notice").count() == 1


def show_login_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/login", language))
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_reset_request(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/password-reset", language))


def show_reset_request_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/password-reset", language))
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_reset_sent(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/password-reset/sent", language))


def show_reset_form(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.reset_password.removeprefix(app.base_url), language))
    assert page.locator("#password").count() == 1, "the reset link should be valid"


def show_reset_form_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_reset_form(page, app, site, language)
    page.fill("#password", "short")
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_reset_form_expired(page: Any, app: RunningApp, site: Site, language: str) -> None:
    response = page.goto(app.url("/password-reset/no-such-token", language))
    assert response.status == 404


def show_account(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url("/account", language))


def show_account_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_account(page, app, site, language)
    # The password form: two fields with errors, one of them also with a hint (two aria-describedby ids).
    page.fill("#new_password", "short")
    submit(page, "main form[action='/account/password']")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("main [aria-invalid=true]").count() == 2


def show_account_after_saving(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_account(page, app, site, language)
    # Saving switches the pages to the chosen language, so choose the one under test.
    page.select_option("#language", language)
    submit(page, "main form[action='/account/profile']")
    assert page.locator("main .notice").count() == 1, "the saved details should be confirmed in a notice"


def show_account_unconfirmed(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, UNCONFIRMED, UNCONFIRMED_PASSWORD)
    page.goto(app.url("/account", language))
    assert page.locator("main form[action='/account/verification']").count() == 1


def show_admin(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin", language))


def show_admin_users(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin/users", language))


def show_admin_user(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(site.admin_user_page, language))


def show_admin_user_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(site.admin_own_page, language))
    page.uncheck("#role-admin")
    submit(page)
    assert page.locator(".field-error").count() == 1


def show_audit_log(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin/audit", language))
    assert page.locator("table.data tbody tr").count() >= 1, "the role change should be in the audit log"


def show_audit_log_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin/audit?since=2026-02-30&until=tomorrow", language))
    assert page.locator(".error-summary").count() == 1


def show_not_found(page: Any, app: RunningApp, site: Site, language: str) -> None:
    response = page.goto(app.url("/no-such-page", language))
    assert response.status == 404


def show_forbidden(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    response = page.goto(app.url("/admin", language))
    assert response.status == 403


PAGES: dict[str, Callable[[Any, RunningApp, Site, str], None]] = {
    "home": show_home,
    "register": show_register,
    "register-with-errors": show_register_with_errors,
    "register-sent": show_register_sent,
    "verify-email": show_verify,
    "verify-email-expired": show_verify_expired,
    "login": show_login,
    "login-with-notice": show_login_with_notice,
    "login-with-errors": show_login_with_errors,
    "password-reset": show_reset_request,
    "password-reset-with-errors": show_reset_request_with_errors,
    "password-reset-sent": show_reset_sent,
    "password-reset-form": show_reset_form,
    "password-reset-form-with-errors": show_reset_form_with_errors,
    "password-reset-form-expired": show_reset_form_expired,
    "account": show_account,
    "account-with-errors": show_account_with_errors,
    "account-after-saving": show_account_after_saving,
    "account-unconfirmed": show_account_unconfirmed,
    "admin": show_admin,
    "admin-users": show_admin_users,
    "admin-user": show_admin_user,
    "admin-user-with-errors": show_admin_user_with_errors,
    "audit-log": show_audit_log,
    "audit-log-with-errors": show_audit_log_with_errors,
    "not-found": show_not_found,
    "forbidden": show_forbidden,
}


# Which pages show each GET route; the inventory test below fails when a new GET page has no browser check.
ROUTES = {
    "/": ["home"],
    "/register": ["register", "register-with-errors"],
    "/register/sent": ["register-sent"],
    "/verify-email/{token:str}": ["verify-email", "verify-email-expired"],
    "/login": ["login", "login-with-notice", "login-with-errors"],
    "/password-reset": ["password-reset", "password-reset-with-errors"],
    "/password-reset/sent": ["password-reset-sent"],
    "/password-reset/{token:str}": [
        "password-reset-form",
        "password-reset-form-with-errors",
        "password-reset-form-expired",
    ],
    "/account": ["account", "account-with-errors", "account-after-saving", "account-unconfirmed"],
    "/admin": ["admin", "forbidden"],
    "/admin/users": ["admin-users"],
    "/admin/users/{user_id:int}": ["admin-user", "admin-user-with-errors"],
    "/admin/audit": ["audit-log", "audit-log-with-errors"],
    # Not pages: the load balancer's health check and the static files.
    "/healthz": [],
    "/static/{file_path:path}": [],
}


# GET routes added after this suite was written, waiting for their scenarios in PAGES. Shrink it, never grow it:
# a new page gets its browser check in the same change.
NOT_YET_CHECKED = {
    "/processes",
    "/processes/{slug:str}",
    "/processes/{slug:str}/proposals",
    "/processes/{slug:str}/proposals/new",
    "/admin/processes",
    "/admin/processes/new",
    "/admin/processes/{process_id:int}",
    "/proposals/{proposal_id:int}",
    "/proposals/{proposal_id:int}/edit",
    "/proposals/{proposal_id:int}/images/{image_id:int}",
    "/proposals/{proposal_id:int}/comments",
    "/proposals/{proposal_id:int}/withdraw",
    "/coauthor-invitations/{token:str}",
    "/comments/{comment_id:int}",
    "/comments/{comment_id:int}/edit",
    "/comments/{comment_id:int}/reply",
    "/comments/{comment_id:int}/delete",
    "/moderation",
    "/moderation/{target_type:str}/{target_id:int}",
    "/report/{target_type:str}/{target_id:int}",
    "/review",
    "/review/processes/{process_id:int}",
    "/review/processes/{process_id:int}/ballot",
    "/review/processes/{process_id:int}/plan",
    "/review/projects/{project_id:int}",
    "/review/proposals/{proposal_id:int}",
}


def test_every_get_page_has_a_browser_check(tmp_path: Path) -> None:
    from pb.app import create_app
    from pb.settings import Settings

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'pb.db'}", session_dir=tmp_path / "sessions", mail_dir=tmp_path / "mail"
    )
    get_routes = {route.path for route in create_app(settings).routes if "GET" in getattr(route, "methods", ())}
    unchecked = get_routes - ROUTES.keys() - NOT_YET_CHECKED
    assert sorted(unchecked) == [], "GET routes without a browser + axe check: add them to PAGES and ROUTES"
    assert sorted((ROUTES.keys() | NOT_YET_CHECKED) - get_routes) == [], "routes the app no longer has"
    assert sorted(ROUTES.keys() & NOT_YET_CHECKED) == [], "a checked route is still listed in NOT_YET_CHECKED"
    covered = {name for names in ROUTES.values() for name in names} | {"not-found"}  # the page of no route
    assert covered == PAGES.keys(), "every entry of PAGES belongs to one route in ROUTES"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_meets_wcag_2_1_aa_in_each_language(
    page: Any, app: RunningApp, site: Site, axe_source: str, name: str, language: str
) -> None:
    PAGES[name](page, app, site, language)

    problems = []
    declared = page.evaluate("() => document.documentElement.lang")
    if declared != language:
        # WCAG 2.1 SC 3.1.1: screen readers pick their voice from <html lang>.
        problems.append(f'<html lang="{declared}">, expected "{language}"')
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{headings} h1 elements, expected exactly one")
    try:
        assert_no_axe_violations(page, app, axe_source)
    except AssertionError as error:
        problems.append(str(error).split("\n\n--- last lines")[0])
    # WCAG 2.1 SC 1.4.10 Reflow: usable at 320 CSS px (1280 px at 400 % zoom) without scrolling sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.scrollWidth;
            if (width <= 320) return null;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 320.5)
                .filter(e => !e.closest('table.data') || e.matches('table.data'))
                .slice(0, 5)
                .map(e => e.outerHTML.slice(0, 160));
            return {width, wide};
        }"""
    )
    if overflow is not None:
        problems.append(
            f"at 320 px the page is {overflow['width']} px wide (scrolls sideways); widest elements:\n    "
            + "\n    ".join(overflow["wide"])
        )
    assert not problems, app.explain(f"{page.url}:\n" + "\n".join(f"- {problem}" for problem in problems))
