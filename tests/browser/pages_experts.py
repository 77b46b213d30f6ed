"""Browser + axe scenarios for the lived-experience pages (merged into test_accessibility.py's PAGES and ROUTES).

They use the demo group of pb.demo_experts: the demo coordinator runs it, the demo resident is one of its experts
(with an assignment in progress, a draft summary to sign off and an invitation not yet answered), the demo
reviewer asked for its assignments and the demo council member reads the published summary. Forms are shown
with their errors by sending them incomplete, which changes nothing; the consents scenario withdraws the
resident's consent to be named once, to have a consent form to show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.support import RunningApp

COORDINATOR = "koordinaattori@example.fi"
EXPERT = "asukas@example.fi"
REQUESTER = "arvioija@example.fi"
COUNCIL_MEMBER = "valtuutettu@example.fi"
IN_PROGRESS = "Mielenterveyspalvelujen ajanvaraus"
REQUESTED = "Nuorten matalan kynnyksen palvelut"
NOT_ANSWERED = "Päihdepalvelujen verkkosivujen selkeys"
INVITED = "kutsuttu.selaintesti@example.fi"


def _submit(page: Any, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def _href(page: Any, app: RunningApp, selector: str, what: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    assert href, app.explain(f"no link to {what}")
    return str(href)


def _group(page: Any, app: RunningApp, site: Any) -> str:
    site.sign_in(page, COORDINATOR)
    page.goto(app.url("/coordinator", "en"))
    return _href(page, app, "main ul a[href^='/coordinator/groups/']", "the demo group")


def _assignment(page: Any, app: RunningApp, site: Any, topic: str = IN_PROGRESS) -> str:
    group = _group(page, app, site)
    page.goto(app.url(f"{group}/assignments", "en"))
    return _href(page, app, f"main table a:text-is('{topic}')", topic)


def _expert_link(page: Any, app: RunningApp, site: Any, selector: str) -> str:
    site.sign_in(page, EXPERT)
    page.goto(app.url("/experts", "en"))
    return _href(page, app, selector, selector)


# --- the coordinator's pages ---


def show_groups(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, COORDINATOR)
    page.goto(app.url("/coordinator", language))
    assert page.locator("#name_fi").count() == 1


def show_groups_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_groups(page, app, site, language)
    _submit(page, "form[action='/coordinator/groups']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_settings(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, COORDINATOR)
    page.goto(app.url("/coordinator/settings", language))
    assert page.locator("#earnings_limit").count() == 1


def show_settings_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_settings(page, app, site, language)
    page.fill("#alert_percent", "500")
    _submit(page, "form[action='/coordinator/settings']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_group(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_group(page, app, site), language))
    assert page.locator("#area_fi").count() == 1


def show_group_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_group(page, app, site, language)
    _submit(page, "form[action$='/areas']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_registry(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_group(page, app, site)}/experts", language))
    assert page.locator("table.expert-registry tbody tr").count() >= 7


def show_registry_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_registry(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_expert(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_group(page, app, site)}/experts", "en"))
    page.goto(app.url(_href(page, app, "table.expert-registry a", "an expert"), language))
    assert page.locator("main dl.facts").count() >= 1


def show_assignments(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_group(page, app, site)}/assignments", language))
    assert page.locator("#topic").count() == 1


def show_assignments_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_assignments(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_assignment(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _assignment(page, app, site)
    page.goto(app.url(f"{path}?searched=1", language))
    assert page.locator("#find").count() == 1


def show_assignment_request(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_assignment(page, app, site, REQUESTED), language))
    assert page.locator("form[action$='/decline']").count() == 1


def show_assignment_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_assignment(page, app, site, language)
    page.fill("#topic", "")
    _submit(page, "form[action$='/details']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_assignment_invite_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    # Inviting with nobody ticked: the search results come back with the message beside them.
    path = _assignment(page, app, site, NOT_ANSWERED)
    page.goto(app.url(f"{path}?searched=1", language))
    _submit(page, "form[action*='/invitations']")
    assert page.locator("#expert-error").count() == 1, app.explain("no message beside the search results")
    assert page.locator("input[name=expert]").count() >= 1, app.explain("the search results are gone")


def show_sessions(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_assignment(page, app, site)}/sessions", language))
    assert page.locator("form[action$='/attendance']").count() >= 1


def show_sessions_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_sessions(page, app, site, language)
    _submit(page, "form[action$='/sessions']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_input(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_assignment(page, app, site)}/input", language))
    assert page.locator("main .timeline-events li").count() >= 2


def show_input_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_input(page, app, site, language)
    _submit(page, "form[action$='/notes']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_summary(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_assignment(page, app, site)}/summary", language))
    assert page.locator("#check").count() == 1


def show_summary_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_summary(page, app, site, language)
    page.fill("#themes", "")
    _submit(page, "form[action$='/summary']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_compensation(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_assignment(page, app, site)}/compensation", language))
    assert page.locator("table.expert-ledger").count() == 1


def show_compensation_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_compensation(page, app, site, language)
    _submit(page, "form[action$='/expenses']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_ledger(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_group(page, app, site)}/ledger", language))
    assert page.locator("form[action$='/ledger/export']").count() == 1


def show_ledger_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(f"{_group(page, app, site)}/ledger?year=1999", language))
    assert page.locator("#year-error").count() == 1, app.explain("no message beside the year")


# --- the expert's pages ---


def show_home(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, EXPERT)
    page.goto(app.url("/experts", language))
    assert page.locator("main a[href^='/experts/summaries/']").count() == 1


def show_join(page: Any, app: RunningApp, site: Any, language: str) -> None:
    # The coordinator invites an address; the page behind the emailed link, seen signed in.
    group = _group(page, app, site)
    page.goto(app.url(f"{group}/experts", "en"))
    page.fill("#email", f"{language}.{INVITED}")
    _submit(page, "main form[method=post]")
    link = app.link_in_newest_email(f"{language}.{INVITED}", "/experts/join/")
    page.context.clear_cookies()
    site.sign_in(page, EXPERT)
    page.goto(app.url(link.removeprefix(app.base_url), language))
    assert page.locator("form[action^='/experts/join/'] button").count() == 1


def show_join_invalid(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, EXPERT)
    response = page.goto(app.url("/experts/join/no-such-invitation", language))
    assert response.status == 404


def show_consents(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_expert_link(page, app, site, "main a[href$='/consents']"), language))
    assert page.locator("section.expert-consent").count() == 3


def show_consents_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_consents(page, app, site, language)
    withdraw = page.locator("form[action$='/consents/named/withdraw']")
    if withdraw.count():
        _submit(page, "form[action$='/consents/named/withdraw']")
    _submit(page, "form[action$='/consents/named']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_profile(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_expert_link(page, app, site, "main a[href$='/profile']"), language))
    assert page.locator("#areas input[type=checkbox]").count() >= 5


def show_profile_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_profile(page, app, site, language)
    page.fill("#name", "")
    page.fill("#email", "")
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_leave(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_expert_link(page, app, site, "main a[href$='/leave']"), language))
    assert page.locator("#confirm").count() == 1


def show_leave_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_leave(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_own_assignment(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _expert_link(page, app, site, f"main a[href^='/experts/assignments/']:text-is('{IN_PROGRESS}')")
    page.goto(app.url(path, language))
    assert page.locator("#input .timeline-events li").count() >= 1


def show_own_assignment_pending(page: Any, app: RunningApp, site: Any, language: str) -> None:
    path = _expert_link(page, app, site, f"main a[href^='/experts/assignments/']:text-is('{NOT_ANSWERED}')")
    page.goto(app.url(path, language))
    assert page.locator("#agreement").count() == 1


def show_own_assignment_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_own_assignment_pending(page, app, site, language)
    page.check("#answer-accept")
    _submit(page, "form[action$='/answer']")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_signoff(page: Any, app: RunningApp, site: Any, language: str) -> None:
    page.goto(app.url(_expert_link(page, app, site, "main a[href^='/experts/summaries/']"), language))
    assert page.locator("#decision").count() == 1


def show_signoff_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_signoff(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_earnings(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, EXPERT)
    page.goto(app.url("/experts/earnings", language))
    assert page.locator("main table").count() >= 1


# --- requests and published summaries ---


def show_requests(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, REQUESTER)
    page.goto(app.url("/expert-requests", language))
    assert page.locator("main a[href^='/expert-summaries/']").count() == 1


def show_requests_with_errors(page: Any, app: RunningApp, site: Any, language: str) -> None:
    show_requests(page, app, site, language)
    _submit(page, "main form[method=post]")
    assert page.locator(".error-summary").count() == 1, app.explain("no error summary")


def show_published_summary(page: Any, app: RunningApp, site: Any, language: str) -> None:
    site.sign_in(page, REQUESTER)
    page.goto(app.url("/expert-requests", "en"))
    path = _href(page, app, "main a[href^='/expert-summaries/']", "the published summary")
    page.context.clear_cookies()
    site.sign_in(page, COUNCIL_MEMBER)
    page.goto(app.url(path, language))
    assert page.locator(f"main a[href='{path}/pdf']").count() == 1


PAGES: dict[str, Callable[[Any, RunningApp, Any, str], None]] = {
    "experts-coordinator-groups": show_groups,
    "experts-coordinator-groups-with-errors": show_groups_with_errors,
    "experts-coordinator-settings": show_settings,
    "experts-coordinator-settings-with-errors": show_settings_with_errors,
    "experts-coordinator-group": show_group,
    "experts-coordinator-group-with-errors": show_group_with_errors,
    "experts-coordinator-registry": show_registry,
    "experts-coordinator-registry-with-errors": show_registry_with_errors,
    "experts-coordinator-expert": show_expert,
    "experts-coordinator-assignments": show_assignments,
    "experts-coordinator-assignments-with-errors": show_assignments_with_errors,
    "experts-coordinator-assignment": show_assignment,
    "experts-coordinator-assignment-request": show_assignment_request,
    "experts-coordinator-assignment-with-errors": show_assignment_with_errors,
    "experts-coordinator-assignment-invite-with-errors": show_assignment_invite_with_errors,
    "experts-coordinator-sessions": show_sessions,
    "experts-coordinator-sessions-with-errors": show_sessions_with_errors,
    "experts-coordinator-input": show_input,
    "experts-coordinator-input-with-errors": show_input_with_errors,
    "experts-coordinator-summary": show_summary,
    "experts-coordinator-summary-with-errors": show_summary_with_errors,
    "experts-coordinator-compensation": show_compensation,
    "experts-coordinator-compensation-with-errors": show_compensation_with_errors,
    "experts-coordinator-ledger": show_ledger,
    "experts-coordinator-ledger-with-errors": show_ledger_with_errors,
    "experts-home": show_home,
    "experts-join": show_join,
    "experts-join-invalid": show_join_invalid,
    "experts-consents": show_consents,
    "experts-consents-with-errors": show_consents_with_errors,
    "experts-profile": show_profile,
    "experts-profile-with-errors": show_profile_with_errors,
    "experts-leave": show_leave,
    "experts-leave-with-errors": show_leave_with_errors,
    "experts-assignment": show_own_assignment,
    "experts-assignment-pending": show_own_assignment_pending,
    "experts-assignment-with-errors": show_own_assignment_with_errors,
    "experts-signoff": show_signoff,
    "experts-signoff-with-errors": show_signoff_with_errors,
    "experts-earnings": show_earnings,
    "experts-requests": show_requests,
    "experts-requests-with-errors": show_requests_with_errors,
    "experts-published-summary": show_published_summary,
}

ROUTES: dict[str, list[str]] = {
    "/coordinator": ["experts-coordinator-groups", "experts-coordinator-groups-with-errors"],
    "/coordinator/settings": ["experts-coordinator-settings", "experts-coordinator-settings-with-errors"],
    "/coordinator/groups/{group_id:int}": ["experts-coordinator-group", "experts-coordinator-group-with-errors"],
    "/coordinator/groups/{group_id:int}/experts": [
        "experts-coordinator-registry",
        "experts-coordinator-registry-with-errors",
    ],
    "/coordinator/experts/{expert_id:int}": ["experts-coordinator-expert"],
    "/coordinator/groups/{group_id:int}/assignments": [
        "experts-coordinator-assignments",
        "experts-coordinator-assignments-with-errors",
    ],
    "/coordinator/assignments/{assignment_id:int}": [
        "experts-coordinator-assignment",
        "experts-coordinator-assignment-request",
        "experts-coordinator-assignment-with-errors",
        "experts-coordinator-assignment-invite-with-errors",
    ],
    "/coordinator/assignments/{assignment_id:int}/sessions": [
        "experts-coordinator-sessions",
        "experts-coordinator-sessions-with-errors",
    ],
    "/coordinator/assignments/{assignment_id:int}/input": [
        "experts-coordinator-input",
        "experts-coordinator-input-with-errors",
    ],
    "/coordinator/assignments/{assignment_id:int}/summary": [
        "experts-coordinator-summary",
        "experts-coordinator-summary-with-errors",
    ],
    "/coordinator/assignments/{assignment_id:int}/compensation": [
        "experts-coordinator-compensation",
        "experts-coordinator-compensation-with-errors",
    ],
    "/coordinator/groups/{group_id:int}/ledger": [
        "experts-coordinator-ledger",
        "experts-coordinator-ledger-with-errors",
    ],
    "/experts": ["experts-home"],
    "/experts/join/{token:str}": ["experts-join", "experts-join-invalid"],
    "/experts/{expert_id:int}/consents": ["experts-consents", "experts-consents-with-errors"],
    "/experts/{expert_id:int}/profile": ["experts-profile", "experts-profile-with-errors"],
    "/experts/{expert_id:int}/leave": ["experts-leave", "experts-leave-with-errors"],
    "/experts/assignments/{invitation_id:int}": [
        "experts-assignment",
        "experts-assignment-pending",
        "experts-assignment-with-errors",
    ],
    "/experts/summaries/{summary_id:int}": ["experts-signoff", "experts-signoff-with-errors"],
    "/experts/earnings": ["experts-earnings"],
    "/expert-requests": ["experts-requests", "experts-requests-with-errors"],
    "/expert-summaries/{summary_id:int}": ["experts-published-summary"],
    # Not pages: the downloads (the expert's own data as JSON and the summary PDF).
    "/experts/data": [],
    "/expert-summaries/{summary_id:int}/pdf": [],
}
