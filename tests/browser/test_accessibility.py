"""Every GET page, in Finnish, Swedish and English, passes axe-core's WCAG 2.1 A/AA rules.

Besides axe: the page declares the language it is in (WCAG 2.1 SC 3.1.1), has exactly one h1, and reflows at
320 CSS pixels without scrolling sideways (SC 1.4.10). Forms are also checked with their errors showing, since
that is when people who need the help most are reading them (SC 3.3.1).
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import LANGUAGES, BrowserProblems, RunningApp, assert_no_axe_violations

pytestmark = pytest.mark.browser

RESIDENT = "asukas@example.fi"
ADMIN = "admin@example.fi"
MODERATOR = "moderaattori@example.fi"
REVIEWER = "arvioija@example.fi"
# The demo's two rounds (pb.demo_pb): one open for proposals, one reviewed and on its way to the vote.
OPEN_ROUND = "omabudjetti-2026"
REVIEWED_ROUND = "omabudjetti-2025"
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
    pb: PbLinks


@dataclass(frozen=True)
class PbLinks:
    """Paths of the participatory-budgeting pages, found by following links from the demo data's lists."""

    # Round 2026, open for proposals. `own` is the resident's published proposal with the comment thread.
    own: str
    draft: str
    withdrawn: str
    hidden: str
    discussed: str  # the proposal with the reported comment
    reported: str  # the proposal with an open report
    # Round 2025, reviewed.
    plan: str
    not_feasible: str
    with_note: str  # has an internal note
    # Comments on `own`: the resident's own, another resident's, one hidden by a moderator; the reported one.
    own_comment: int
    other_comment: int
    hidden_comment: int
    reported_comment: int
    reported_user: int
    invitation: str
    review_process: str
    admin_process: str


VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def reused_page(browser: Any, app: RunningApp) -> Iterator[tuple[Any, BrowserProblems]]:
    """One browser tab for all the page checks below, watched for script errors and CSP violations.

    Opening a new context and tab for each of the ~700 checks cost about 0.2 s apiece; the checks need no more
    isolation than a visitor who signs out between pages gets: ``page`` below empties the cookie jar (the session
    is all pb keeps in the browser) and starts from a blank document.
    """
    context = browser.new_context(base_url=app.base_url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems = BrowserProblems()
    problems.watch(tab)
    yield tab, problems
    context.close()


@pytest.fixture
def page(reused_page: tuple[Any, BrowserProblems], app: RunningApp) -> Iterator[Any]:
    tab, problems = reused_page
    tab.goto("about:blank")
    tab.context.clear_cookies()
    tab.set_viewport_size(VIEWPORT)
    problems.messages.clear()
    yield tab
    # As for every browser test (tests/browser/conftest.py): the pages ran without script errors or CSP violations.
    assert not problems.messages, app.explain("\n".join(problems.messages))


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
        pb=_pb_links(browser, app, sign_in),
    )


def proposal_links(page: Any, app: RunningApp, slug: str, query: str = "") -> dict[str, str]:
    """Title → path of the proposals a list of a round shows (one page of 20 holds all of the demo's)."""
    page.goto(app.url(f"/processes/{slug}/proposals?sort=newest{query}", "en"))
    links = page.locator("#proposal-list .proposal-card-title a")
    return {links.nth(i).inner_text(): links.nth(i).get_attribute("href") for i in range(links.count())}


def comment_id(locator: Any) -> int:
    return int(locator.get_attribute("id").removeprefix("comment-"))


def post_without_htmx(page: Any, form: str) -> None:
    """Send a form as a browser without JavaScript would: form.submit() fires no submit event for htmx."""
    with page.expect_navigation():
        page.locator(form).evaluate("form => form.submit()")


def _pb_links(browser: Any, app: RunningApp, sign_in: Callable[..., None]) -> PbLinks:
    """Finds the demo's proposals and comments, and adds what the demo lacks: a comment by the resident, a hidden
    comment, a report of a user and a co-author invitation."""
    started = time.time()
    context = browser.new_context(base_url=app.base_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, RESIDENT)
        open_round = proposal_links(page, app, OPEN_ROUND)
        draft = page.locator(".my-drafts a[href^='/proposals/']").first.get_attribute("href")
        hidden = page.locator(
            "#proposal-list .proposal-card:not(:has(.proposal-card-title a)) a[href^='/proposals/']"
        ).first.get_attribute("href")
        withdrawn = proposal_links(page, app, OPEN_ROUND, "&status=withdrawn")["Suihkulähde torille"]
        reviewed_round = proposal_links(page, app, REVIEWED_ROUND)
        own = open_round["Valaistus Rantapolulle"]

        # The resident comments on their own proposal and invites a co-author.
        page.goto(app.url(own, "en"))
        page.fill("#comment-body", "Kiitos kommenteista, lisään suunnitelmaan liiketunnistimet.")
        post_without_htmx(page, "#comment-form")
        own_comment = int(page.url.rsplit("#comment-", 1)[1])
        other_comment = comment_id(page.locator("#comment-list > li.comment").first)
        reply_to_hide = comment_id(page.locator("#comment-list > li.comment").first.locator("ol > li.comment").first)
        page.fill("#email", REVIEWER)
        with page.expect_navigation():
            page.click("#coauthors form button[type=submit]")
        invitation = app.link_in_newest_email(REVIEWER, "/coauthor-invitations/", after=started)

        # The resident reports the author of the rude comment (they reported the comment itself in the demo).
        discussed = open_round["Skeittipaikka nuorille"]
        page.goto(app.url(discussed, "en"))
        reported_comment = comment_id(page.locator("#comment-list > li.comment").first)
        user_report = page.locator("#comment-list a.report-link[href^='/report/user/']").first.get_attribute("href")
        reported_user = int(user_report.split("?")[0].rsplit("/", 1)[1])
        page.goto(app.url(user_report))
        page.check("#reason-offensive")
        with page.expect_navigation():
            page.click("main form button[type=submit]")

        # A moderator hides a reply in the thread (a hidden comment with a visible reply below it).
        context.clear_cookies()
        sign_in(page, MODERATOR)
        page.goto(app.url(f"/moderation/comment/{reply_to_hide}", "en"))
        page.fill("#hide-reason", "Piilotettu: henkilökohtaisuuksia.")
        with page.expect_navigation():
            page.click("form[action$='/hide'] button[type=submit]")

        context.clear_cookies()
        sign_in(page, ADMIN)
        page.goto(app.url("/review", "en"))
        review_process = page.locator("main li", has_text="Own Budget 2025").locator("a").first.get_attribute("href")
        page.goto(app.url("/admin/processes", "en"))
        admin_links = page.locator("main a[href^='/admin/processes/']:not([href$='/new'])")
        admin_process = admin_links.first.get_attribute("href")
    finally:
        context.close()
    return PbLinks(
        own=own,
        draft=draft,
        withdrawn=withdrawn,
        hidden=hidden,
        discussed=discussed,
        reported=open_round["Pölyttäjäniitty"],
        plan=reviewed_round["Liikuntapaikat Itään: koirapuisto ja ulkokuntosali"],
        not_feasible=reviewed_round["Kesäkonsertit torilla"],
        with_note=reviewed_round["Pyöräkatos asemalle"],
        own_comment=own_comment,
        other_comment=other_comment,
        hidden_comment=reply_to_hide,
        reported_comment=reported_comment,
        reported_user=reported_user,
        invitation=invitation.removeprefix(app.base_url),
        review_process=review_process,
        admin_process=admin_process,
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


# --- participatory budgeting: rounds, proposals, comments, reports, moderation, review ------------------------


def show_processes(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url("/processes", language))
    assert page.locator(f"main a[href='/processes/{OPEN_ROUND}']").count() == 1


def show_process_open(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_ROUND}", language))
    assert page.locator(f"main a[href='/processes/{OPEN_ROUND}/proposals/new']").count() == 1


def show_process_reviewed(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{REVIEWED_ROUND}", language))


def show_proposals(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_ROUND}/proposals", language))
    assert page.locator(".proposal-card").count() >= 8


def show_proposals_with_drafts(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/processes/{OPEN_ROUND}/proposals", language))
    assert page.locator(".my-drafts").count() == 1


def show_proposals_reviewed(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{REVIEWED_ROUND}/proposals", language))


def show_proposals_filtered(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_ROUND}/proposals?status=withdrawn&sort=supported", language))
    assert page.locator(".proposal-card").count() == 1


def show_proposals_no_results(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(f"/processes/{OPEN_ROUND}/proposals?q=zzxqvw", language))
    assert page.locator(".proposal-card").count() == 0


def show_proposal_new(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/processes/{OPEN_ROUND}/proposals/new", language))
    assert page.locator("#title").count() == 1


def show_proposal_new_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_proposal_new(page, app, site, language)
    page.fill("#latitude", "north")
    with page.expect_navigation():
        page.click("main form button[value=draft]")
    assert page.locator(".error-summary").count() == 1


def show_proposal_new_preview(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_proposal_new(page, app, site, language)
    page.fill("#title", "Juomapiste Rantapolulle")
    page.fill("#summary", "Juomavesipiste lenkkeilijöille polun puoliväliin.")
    page.fill("#body", "Kesällä polulla on **kuuma**.\n\n- Vesi kaupungin verkosta\n- Talveksi suljetaan")
    page.select_option("#theme", index=1)
    page.fill("#cost", "8000")
    with page.expect_navigation():
        page.click("main form button[value=preview]")
    assert page.locator(".proposal-preview").count() == 1, app.explain(page.locator("main").inner_text())


def show_proposal_new_closed(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    response = page.goto(app.url(f"/processes/{REVIEWED_ROUND}/proposals/new", language))
    assert response.status == 403


def show_proposal(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # Anonymous: the thread with a hidden comment and replies, and the "log in to comment" notice.
    page.goto(app.url(site.pb.own, language))
    assert page.locator(f"#comment-{site.pb.hidden_comment} .comment-placeholder").count() == 1


def show_proposal_as_author(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # The author's tools, the pending co-author, the comment form and the author's own comment.
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.own, language))
    assert page.locator(".author-tools").count() == 1
    assert page.locator("#comment-form").count() == 1


def show_proposal_invite_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_proposal_as_author(page, app, site, language)
    page.fill("#email", "not an address")
    submit(page, "#coauthors form")
    assert page.locator(".error-summary").count() == 1


def show_comment_link(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # A comment's own address leads to it in its thread on the proposal page.
    page.goto(app.url(f"/comments/{site.pb.other_comment}", language))
    assert page.url.endswith(f"#comment-{site.pb.other_comment}"), page.url


def show_proposal_draft(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.draft, language))


def show_proposal_hidden(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.pb.hidden, language))
    assert page.locator("main .notice-error").count() == 1


def show_proposal_hidden_as_staff(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, MODERATOR)
    page.goto(app.url(site.pb.hidden, language))
    assert page.locator("main .prose").count() == 1, "staff should see the hidden proposal's content"


def show_proposal_withdrawn(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.pb.withdrawn, language))


def show_proposal_plan(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.pb.plan, language))


def show_proposal_not_feasible(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.pb.not_feasible, language))
    assert "yksityisen kiinteistöyhtiön" in page.locator("main").inner_text(), "the public reason is missing"


def show_proposal_as_staff(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, REVIEWER)
    page.goto(app.url(site.pb.with_note, language))
    assert page.locator(".internal-notes").count() == 1


def show_proposal_edit(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.own + "/edit", language))
    assert page.locator("#title").input_value() == "Valaistus Rantapolulle"


def show_proposal_edit_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_proposal_edit(page, app, site, language)
    page.fill("#title", "")
    with page.expect_navigation():
        page.click("main form button[value=save]")
    assert page.locator(".error-summary").count() == 1


def show_proposal_edit_draft(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.draft + "/edit", language))


def show_proposal_withdraw(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.own + "/withdraw", language))
    assert page.locator("main form[method=post]").count() == 1


def show_comments(page: Any, app: RunningApp, site: Site, language: str) -> None:
    page.goto(app.url(site.pb.own + "/comments", language))
    assert page.locator("li.comment").count() >= 4


def show_comments_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(site.pb.own + "/comments", language))
    post_without_htmx(page, "#comment-form")
    assert page.locator(".error-summary").count() == 1


def show_comment_reply(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/comments/{site.pb.other_comment}/reply", language))
    assert page.locator("form.reply-form").count() == 1


def show_comment_reply_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_comment_reply(page, app, site, language)
    post_without_htmx(page, "form.reply-form")
    assert page.locator(".error-summary").count() == 1


def show_comment_edit(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # Within 15 minutes of posting this is the form; later the same form with the "too late" error.
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/comments/{site.pb.own_comment}/edit", language))
    assert page.locator("main textarea").count() == 1


def show_comment_delete(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/comments/{site.pb.own_comment}/delete", language))
    assert page.locator("main form[method=post]").count() == 1


def show_report_proposal(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/report/proposal/{site.pb.reported.rsplit('/', 1)[1]}", language))
    assert page.locator("main form[method=post]").count() == 1


def show_report_proposal_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_report_proposal(page, app, site, language)
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_report_comment_already(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, RESIDENT)
    page.goto(app.url(f"/report/comment/{site.pb.reported_comment}", language))
    assert page.locator("main .notice").count() == 1, "the resident reported this comment in the demo data"


def show_report_user(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(f"/report/user/{site.pb.reported_user}?next={site.pb.discussed}", language))


def show_coauthor_invitation(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, REVIEWER)
    page.goto(app.url(site.pb.invitation, language))
    assert page.locator("main form[method=post]").count() == 1


def show_coauthor_invitation_unknown(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, REVIEWER)
    response = page.goto(app.url("/coauthor-invitations/no-such-token", language))
    assert response.status == 404


def show_moderation(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, MODERATOR)
    page.goto(app.url("/moderation", language))
    # Waiting: the demo's reported comment and proposal, and the user the resident reported.
    for kind, target_id in (("comment", site.pb.reported_comment), ("user", site.pb.reported_user)):
        assert page.locator(f"main a[href='/moderation/{kind}/{target_id}']").count() >= 1, f"{kind} not queued"


def show_moderation_target(kind: str, attribute: str) -> Callable[[Any, RunningApp, Site, str], None]:
    def show(page: Any, app: RunningApp, site: Site, language: str) -> None:
        site.sign_in(page, MODERATOR)
        target = getattr(site.pb, attribute)
        target_id = target.rsplit("/", 1)[1] if isinstance(target, str) else target
        # The ids were found from the demo's links (see _pb_links); the queue links to the same pages.
        page.goto(app.url(f"/moderation/{kind}/{target_id}", language))
        assert page.locator("main form.decision-form").count() >= 1

    return show


def show_moderation_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_moderation_target("comment", "reported_comment")(page, app, site, language)
    submit(page, "main form[action$='/hide']")
    assert page.locator("main [aria-invalid=true]").count() == 1


def show_review(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/review", language))


def show_review_as_reviewer(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, REVIEWER)
    page.goto(app.url("/review", language))
    assert page.locator("main table.data tbody tr").count() >= 1


def show_review_process(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(site.pb.review_process, language))
    assert page.locator("#proposals tbody tr").count() >= 2


def show_review_process_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_review_process(page, app, site, language)
    submit(page, "main form[action$='/assignments']")
    assert page.locator(".error-summary").count() == 1


def show_review_plan(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # Reached by a POST that changes nothing (it carries the chosen proposals to the plan form).
    show_review_process(page, app, site, language)
    boxes = page.locator("#proposals input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    with page.expect_navigation():
        page.click("main button[formaction$='/plan/draft']")
    assert page.url.endswith("/plan/draft"), page.url


def show_review_proposal(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # The assigned reviewer: the decision form and the internal notes.
    site.sign_in(page, REVIEWER)
    page.goto(app.url("/review/proposals/" + site.pb.with_note.rsplit("/", 1)[1], language))


def show_review_proposal_not_feasible(page: Any, app: RunningApp, site: Site, language: str) -> None:
    # An admin: also the assignment and ballot forms.
    site.sign_in(page, ADMIN)
    page.goto(app.url("/review/proposals/" + site.pb.not_feasible.rsplit("/", 1)[1], language))


def show_review_ballot(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(site.pb.review_process + "/ballot", language))
    assert page.locator("main a[href^='/review/projects/']").count() >= 1


def show_review_project(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_review_ballot(page, app, site, language)
    project = page.locator("main a[href^='/review/projects/']").first.get_attribute("href")
    page.goto(app.url(project, language))
    assert page.locator("#title").count() == 1


def show_admin_processes(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin/processes", language))


def show_admin_process_new(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url("/admin/processes/new", language))


def show_admin_process_new_with_errors(page: Any, app: RunningApp, site: Site, language: str) -> None:
    show_admin_process_new(page, app, site, language)
    submit(page)
    assert page.locator(".error-summary").count() == 1


def show_admin_process(page: Any, app: RunningApp, site: Site, language: str) -> None:
    site.sign_in(page, ADMIN)
    page.goto(app.url(site.pb.admin_process, language))


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
    "processes": show_processes,
    "process-open": show_process_open,
    "process-reviewed": show_process_reviewed,
    "proposals": show_proposals,
    "proposals-with-drafts": show_proposals_with_drafts,
    "proposals-reviewed": show_proposals_reviewed,
    "proposals-filtered": show_proposals_filtered,
    "proposals-no-results": show_proposals_no_results,
    "proposal-new": show_proposal_new,
    "proposal-new-with-errors": show_proposal_new_with_errors,
    "proposal-new-preview": show_proposal_new_preview,
    "proposal-new-closed": show_proposal_new_closed,
    "proposal": show_proposal,
    "proposal-as-author": show_proposal_as_author,
    "proposal-invite-with-errors": show_proposal_invite_with_errors,
    "proposal-draft": show_proposal_draft,
    "proposal-hidden": show_proposal_hidden,
    "proposal-hidden-as-staff": show_proposal_hidden_as_staff,
    "proposal-withdrawn": show_proposal_withdrawn,
    "proposal-plan": show_proposal_plan,
    "proposal-not-feasible": show_proposal_not_feasible,
    "proposal-as-staff": show_proposal_as_staff,
    "proposal-edit": show_proposal_edit,
    "proposal-edit-with-errors": show_proposal_edit_with_errors,
    "proposal-edit-draft": show_proposal_edit_draft,
    "proposal-withdraw": show_proposal_withdraw,
    "comments": show_comments,
    "comments-with-errors": show_comments_with_errors,
    "comment-link": show_comment_link,
    "comment-reply": show_comment_reply,
    "comment-reply-with-errors": show_comment_reply_with_errors,
    "comment-edit": show_comment_edit,
    "comment-delete": show_comment_delete,
    "report-proposal": show_report_proposal,
    "report-proposal-with-errors": show_report_proposal_with_errors,
    "report-comment-already-reported": show_report_comment_already,
    "report-user": show_report_user,
    "coauthor-invitation": show_coauthor_invitation,
    "coauthor-invitation-unknown": show_coauthor_invitation_unknown,
    "moderation": show_moderation,
    "moderation-comment": show_moderation_target("comment", "reported_comment"),
    "moderation-comment-with-errors": show_moderation_with_errors,
    "moderation-hidden-comment": show_moderation_target("comment", "hidden_comment"),
    "moderation-proposal": show_moderation_target("proposal", "reported"),
    "moderation-user": show_moderation_target("user", "reported_user"),
    "review": show_review,
    "review-as-reviewer": show_review_as_reviewer,
    "review-process": show_review_process,
    "review-process-with-errors": show_review_process_with_errors,
    "review-plan": show_review_plan,
    "review-proposal": show_review_proposal,
    "review-proposal-not-feasible": show_review_proposal_not_feasible,
    "review-ballot": show_review_ballot,
    "review-project": show_review_project,
    "admin-processes": show_admin_processes,
    "admin-process-new": show_admin_process_new,
    "admin-process-new-with-errors": show_admin_process_new_with_errors,
    "admin-process": show_admin_process,
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
    "/processes": ["processes"],
    "/processes/{slug:str}": ["process-open", "process-reviewed"],
    "/processes/{slug:str}/proposals": [
        "proposals",
        "proposals-with-drafts",
        "proposals-reviewed",
        "proposals-filtered",
        "proposals-no-results",
    ],
    "/processes/{slug:str}/proposals/new": [
        "proposal-new",
        "proposal-new-with-errors",
        "proposal-new-preview",
        "proposal-new-closed",
    ],
    "/proposals/{proposal_id:int}": [
        "proposal",
        "proposal-as-author",
        "proposal-invite-with-errors",
        "proposal-draft",
        "proposal-hidden",
        "proposal-hidden-as-staff",
        "proposal-withdrawn",
        "proposal-plan",
        "proposal-not-feasible",
        "proposal-as-staff",
    ],
    "/proposals/{proposal_id:int}/edit": ["proposal-edit", "proposal-edit-with-errors", "proposal-edit-draft"],
    "/proposals/{proposal_id:int}/withdraw": ["proposal-withdraw"],
    "/proposals/{proposal_id:int}/comments": ["comments", "comments-with-errors"],
    "/comments/{comment_id:int}": ["comment-link"],
    "/comments/{comment_id:int}/reply": ["comment-reply", "comment-reply-with-errors"],
    "/comments/{comment_id:int}/edit": ["comment-edit"],
    "/comments/{comment_id:int}/delete": ["comment-delete"],
    "/report/{target_type:str}/{target_id:int}": [
        "report-proposal",
        "report-proposal-with-errors",
        "report-comment-already-reported",
        "report-user",
    ],
    "/coauthor-invitations/{token:str}": ["coauthor-invitation", "coauthor-invitation-unknown"],
    "/moderation": ["moderation"],
    "/moderation/{target_type:str}/{target_id:int}": [
        "moderation-comment",
        "moderation-comment-with-errors",
        "moderation-hidden-comment",
        "moderation-proposal",
        "moderation-user",
    ],
    "/review": ["review", "review-as-reviewer"],
    # The plan form answers a POST from this page's list (see pb.review.controllers.plan_form).
    "/review/processes/{process_id:int}": ["review-process", "review-process-with-errors", "review-plan"],
    "/review/processes/{process_id:int}/ballot": ["review-ballot"],
    "/review/projects/{project_id:int}": ["review-project"],
    "/review/proposals/{proposal_id:int}": ["review-proposal", "review-proposal-not-feasible"],
    "/admin/processes": ["admin-processes"],
    "/admin/processes/new": ["admin-process-new", "admin-process-new-with-errors"],
    "/admin/processes/{process_id:int}": ["admin-process"],
    # Not pages: the load balancer's health check, the static files and the proposals' images (an image's
    # alternative text is part of the page that shows it).
    "/healthz": [],
    "/static/{file_path:path}": [],
    "/proposals/{proposal_id:int}/images/{image_id:int}": [],
}


# Later domains keep their page scenarios in modules of their own, tests/browser/pages_<domain>.py, each with a
# PAGES and a ROUTES dict shaped like the ones above (scenarios take page, app, site, language). They are merged
# here, so one inventory and one parametrised axe test cover every page.
for _module_info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda info: info.name):
    if _module_info.name.startswith("pages_"):
        _module = importlib.import_module(f"tests.browser.{_module_info.name}")
        assert not PAGES.keys() & _module.PAGES.keys(), f"{_module_info.name} reuses a page name"
        PAGES.update(_module.PAGES)
        for _route, _names in _module.ROUTES.items():
            ROUTES.setdefault(_route, []).extend(_names)


# GET routes added after this suite was written, waiting for their scenarios in PAGES. Keep it empty: a new page
# gets its browser check in the same change.
NOT_YET_CHECKED: set[str] = set()


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
