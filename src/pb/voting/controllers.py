"""HTTP for voting: the voter's budgets, the code entry, the ballot of each format with its running total, the
review step, casting, the receipt, and (once results are out) the receipt check and the anonymised ballots.

The same handlers serve every channel: `pb.voting.identity.current_voter` decides who votes in this request
(a kiosk voter on an assistant's device, a code voter, or the signed-in resident).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.models import User
from pb.eligibility.services import EligibilityRefused, accepts, online_methods, voter_for_code
from pb.i18n import N_
from pb.privacy.notifications import Topic
from pb.privacy.notifications import wants as wants_email
from pb.processes.models import BALLOT_FORMAT_LABELS, BallotFormat, Budget, PhaseKind, Process, Project, VotingMethod
from pb.processes.services import budget_by_id, can_see_process, get_process_for, now
from pb.results.services import results_published
from pb.voting import forms, identity, rules
from pb.voting import services as voting
from pb.voting.forms import ProjectFilter, Step
from pb.voting.models import Channel, VoterRecord
from pb.voting.rules import Format
from pb.voting.secrecy import normalise_code
from pb.voting.services import Voter, VotingRefused
from pb.web.auth import client_address, current_user_or_none
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, language_of, read_form, read_form_lists, translator
from pb.web.responses import flash, is_htmx, page, see_other
from pb.web.sessions import ROTATE_FLAG

log = logging.getLogger("pb.voting")

VARY = {"Vary": "HX-Request"}
# The receipt code waits here between the cast and the page that shows it, and is removed when shown.
RECEIPT_KEY = "voting_receipt"
# A code voter's code id, so that their first ballot can mark the code used (the voter key is a one-way hash).
CODE_ID_KEY = "voting_code_id"


# --- access-checked loaders --------------------------------------------------------------------------------


async def get_voting_process(request: Request[Any, Any, Any], db: AsyncSession, slug: str) -> Process:
    """A published process (drafts for admins); 404 otherwise."""
    return await get_process_for(db, current_user_or_none(request), slug)


async def get_cached_voting_process(
    request: Request[Any, Any, Any], db: AsyncSession, services: Services, slug: str
) -> Process:
    """As get_voting_process, from the worker's checked cache: the ballot pages and the cast are voting day's
    hot paths. The copy is shared between requests, so these handlers only read it."""
    process = await services.process_cache.get(db, slug)
    if process is None or not can_see_process(current_user_or_none(request), process):
        raise NotFoundException()
    return process


def get_budget_of(process: Process, budget_id: int) -> Budget:
    """A budget of this process; 404 for an unknown budget or one of another process."""
    budget = budget_by_id(process, budget_id)
    if budget is None:
        raise NotFoundException()
    return budget


def voting_state_refusal(process: Process, moment: datetime, *, casting: bool = False) -> str | None:
    if voting.voting_is_open(process, moment):
        return None
    if voting.voting_has_ended(process, moment):
        # Issue 4: a ballot posted after closing is refused with a clear message.
        return N_("Voting has closed. Your ballot was not saved.") if casting else N_("Voting has closed.")
    return N_("Voting has not started yet.")


class DecideOnCheckedPath(Exception):
    """A cast on the unchecked copy of the round that is not simply stored: refusals and rule problems are
    decided on the checked path, which reads the voter's records and so shows the refusal that comes first."""


@dataclass(frozen=True)
class Visitor:
    """Who is asking: the voter (or why they cannot vote yet) and whether this is an assistant's kiosk."""

    user: User | None
    voter: Voter | None
    refusal: EligibilityRefused | None
    kiosk: bool


async def visitor_of(request: Request[Any, Any, Any], db: AsyncSession, process: Process) -> Visitor:
    user = current_user_or_none(request)
    kiosk = identity.in_kiosk(request.session, user)
    try:
        return Visitor(user, await identity.current_voter(request.session, user, db, process), None, kiosk)
    except EligibilityRefused as refusal:
        return Visitor(user, None, refusal, kiosk)


async def cached_projects(db: AsyncSession, services: Services, process: Process, budget: Budget) -> list[Project]:
    """The budget's ballot projects, from the cached copy of the round when `process` is one."""
    cached = services.process_cache.projects(process, budget)
    return cached if cached is not None else await voting.projects_of(db, budget)


# --- what the pages show -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chosen:
    project: Project
    value: int


def chosen_list(format: Format, projects: Sequence[Project], choices: Mapping[int, int]) -> list[Chosen]:
    """The chosen projects in the order a voter reads them back: by rank, otherwise in ballot order."""
    found = [Chosen(project, choices[project.id]) for project in projects if project.id in choices]
    if format == Format.RANKED:
        found.sort(key=lambda item: item.value)
    return found


def can_email(visitor: Visitor) -> bool:
    """The summary email goes to a signed-in resident's confirmed address: never from a kiosk (the account
    there is the assistant's) and never for a code voter (no account)."""
    voter, user = visitor.voter, visitor.user
    return (
        voter is not None
        and user is not None
        and voter.user_id == user.id
        and user.email_verified
        and not visitor.kiosk
    )


def way_forward(process: Process, visitor: Visitor) -> dict[str, bool]:
    """Which next steps the refusal page offers a person who cannot vote yet (none to a known voter)."""
    online = bool(online_methods(process))
    unknown = visitor.voter is None
    return {
        "offer_login": unknown and visitor.user is None and online,
        "offer_eligibility": unknown and visitor.user is not None and online and not visitor.kiosk,
        "offer_code": unknown and accepts(process, VotingMethod.CODE) and not visitor.kiosk,
    }


def refused_page(
    request: Request[Any, Any, Any], process: Process, visitor: Visitor, message: str, params: Mapping[str, Any]
) -> Template:
    _ = translator(request)
    text = _(message) % dict(params)
    context: dict[str, Any] = {"process": process, "message": text, "kiosk": visitor.kiosk}
    context.update(way_forward(process, visitor))
    if is_htmx(request):
        return Template(template_name="voting/_refusal.html", context=context, status_code=403, headers=VARY)
    return Template(template_name="voting/refused.html", context=context, status_code=403, headers=VARY)


@dataclass
class BallotState:
    """A ballot being filled in: the choices, what the voter typed wrong, and the rule check."""

    choices: dict[int, int]
    errors: Errors
    problems: list[rules.Problem]


def check_ballot(budget: Budget, projects: Sequence[Project], choices: dict[int, int], errors: Errors) -> BallotState:
    costs = {project.id: project.cost_cents for project in projects}
    return BallotState(choices, errors, rules.problems(voting.ballot_rules(budget), costs, choices))


def ballot_context(
    request: Request[Any, Any, Any],
    process: Process,
    budget: Budget,
    projects: Sequence[Project],
    state: BallotState,
    *,
    visitor: Visitor,
    current: Mapping[int, int] | None,
    wanted: ProjectFilter,
    show_errors: bool = False,
) -> dict[str, Any]:
    _ = translator(request)
    language = language_of(request)
    limits = voting.ballot_rules(budget)
    format = Format(budget.ballot_format)
    costs = {project.id: project.cost_cents for project in projects}
    shown = wanted.apply(projects)
    shown_ids = {project.id for project in shown}
    errors = Errors(dict(state.errors.messages))
    if show_errors:
        for name, message in forms.rule_errors(
            format, state.problems, state.choices, limits, _, language
        ).messages.items():
            errors.add(name, message)
    return {
        "process": process,
        "budget": budget,
        "format": format,
        "format_label": BALLOT_FORMAT_LABELS[BallotFormat(budget.ballot_format)],
        "limits": limits,
        "projects": projects,
        "shown": shown,
        "hidden_chosen": [
            project for project in projects if project.id in state.choices and project.id not in shown_ids
        ],
        "choices": state.choices,
        "summary": rules.summary(limits, costs, state.choices),
        "problems": [forms.problem_text(problem, _, language) for problem in state.problems],
        "errors": errors,
        "wanted": wanted,
        "sorts": list(forms.Sort),
        "sort_labels": forms.SORT_LABELS,
        "current": chosen_list(format, projects, current) if current else None,
        "kiosk": visitor.kiosk,
        "field_name": forms.field_name,
        "rank_choices": list(range(1, (limits.max_choices or len(projects)) + 1)),
        "ballot_url": f"/processes/{process.slug}/vote/{budget.id}",
    }


def total_fragment(context: dict[str, Any], status: int = 200) -> Template:
    return Template(template_name="voting/_total.html", context=context, status_code=status, headers=VARY)


async def current_choices(db: AsyncSession, services: Services, budget: Budget, voter: Voter) -> dict[int, int] | None:
    ballot = await voting.current_ballot(db, services.voting_keys, budget, voter)
    return voting.decode_choices(ballot.choices) if ballot is not None else None


async def send_summary(
    request: Request[Any, Any, Any],
    services: Services,
    user: User,
    process: Process,
    budget: Budget,
    chosen: list[Chosen],
) -> bool:
    """The optional summary email. The ballot is already stored, so a failing mail server only costs the email."""
    mailer = services.mailer
    message = mailer.compose(
        user.email,
        user.preferred_language or language_of(request),
        N_("Your ballot has been saved"),
        "email/ballot_summary.txt",
        user=user,
        process=process,
        budget=budget,
        format=Format(budget.ballot_format),
        chosen=chosen,
        link=f"{services.settings.base_url}/processes/{process.slug}/vote",
    )
    try:
        await mailer.send(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send the ballot summary")
        return False
    return True


def code_being_used(request: Request[Any, Any, Any], services: Services, voter: Voter) -> int | None:
    """The id of the letter's code a code voter votes with, for the cast to mark it used in the same
    transaction as the ballot (the letter's code keeps letting them change the ballot afterwards)."""
    stored = request.session.get(CODE_ID_KEY)
    if voter.channel != Channel.CODE or not isinstance(stored, dict):
        return None
    code_id = stored.get("code_id")
    # The session's code id must be this voter's: the key is the keyed hash of the code id.
    if not isinstance(code_id, int) or services.voting_keys.code_voter(code_id) != voter.key:
        return None
    return code_id


def too_many(services: Services, _: Translate) -> str:
    return _("Too many attempts. Wait %(minutes)s minutes and try again.") % {
        "minutes": max(1, services.settings.throttle_window_seconds // 60)
    }


# --- controllers -------------------------------------------------------------------------------------------


class VotingController(Controller):
    """A voter's pages: the overview of their budgets, the code entry, the ballot, review, cast and receipt."""

    path = "/processes/{slug:str}/vote"
    include_in_schema = False

    @get("/", name="vote")
    async def overview(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        visitor = await visitor_of(request, db, process)
        moment = now()
        rows: list[dict[str, Any]] = []
        if visitor.voter is not None:
            records = await voting.voter_records(db, process, visitor.voter)
            for budget in voting.budgets_for(process, visitor.voter):
                projects = await cached_projects(db, services, process, budget)
                current = await current_choices(db, services, budget, visitor.voter)
                rows.append(
                    {
                        "budget": budget,
                        "current": chosen_list(Format(budget.ballot_format), projects, current) if current else None,
                        "refusal": voting.refusal_for_budget(process, budget, visitor.voter, records),
                        "format_label": BALLOT_FORMAT_LABELS[BallotFormat(budget.ballot_format)],
                    }
                )
        refusal = visitor.refusal
        phase = process.phase(PhaseKind.VOTING)
        context: dict[str, Any] = {
            "process": process,
            "rows": rows,
            "kiosk": visitor.kiosk,
            "is_code_voter": visitor.voter is not None and visitor.voter.channel == Channel.CODE,
            "eligibility": (translator(request)(refusal.message) % refusal.params) if refusal else None,
            "phase": phase,
            "voting_state": phase.state(moment) if phase is not None else "none",
            "open": voting.voting_is_open(process, moment),
            "results_out": await results_published(db, process),
        }
        context.update(way_forward(process, visitor))
        return page("voting/overview.html", **context)

    # --- the letter's code -----------------------------------------------------------------------------

    @get("/code")
    async def code_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        if not accepts(process, VotingMethod.CODE):
            raise NotFoundException()
        return page("voting/code.html", process=process, form={}, errors=Errors())

    @post("/code")
    async def enter_code(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
    ) -> Template | Redirect:
        process = await get_voting_process(request, db, slug)
        if not accepts(process, VotingMethod.CODE):
            raise NotFoundException()
        _ = translator(request)
        data = await read_form(request)
        code, errors = forms.parse_voting_code(data, _)
        address = client_address(request)
        throttled = normalise_code(code)
        if not errors and await services.throttle.is_blocked(services.code_limit, throttled, address):
            errors.add("code", too_many(services, _))
        if not errors:
            try:
                voter, voting_code = await voter_for_code(db, services.voting_keys, process, code)
            except EligibilityRefused as refusal:
                # Every wrong code counts towards the limits: codes are guessed, not forgotten.
                await services.throttle.record(services.code_limit, throttled, address)
                errors.add("code", _(refusal.message) % refusal.params)
            else:
                # A new session id for the code voter (OWASP ASVS 3.2.1: no session fixation).
                request.scope["state"][ROTATE_FLAG] = True
                identity.store_voter(request.session, identity.CODE_VOTER, process, voter)
                request.session[CODE_ID_KEY] = {"process_id": process.id, "code_id": voting_code.id}
                return see_other(f"/processes/{process.slug}/vote")
        return page("voting/code.html", status=422, process=process, form={"code": code}, errors=errors)

    @post("/code/forget")
    async def forget_code(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Redirect:
        process = await get_voting_process(request, db, slug)
        identity.forget_voter(request.session, identity.CODE_VOTER)
        request.session.pop(CODE_ID_KEY, None)
        request.session.pop(RECEIPT_KEY, None)
        request.scope["state"][ROTATE_FLAG] = True
        return see_other(f"/processes/{process.slug}/vote")

    # --- the ballot ------------------------------------------------------------------------------------

    async def _ballot_access(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        services: Services,
        slug: str,
        budget_id: int,
        *,
        casting: bool = False,
        unchecked: Process | None = None,
    ) -> tuple[Process, Budget, Visitor, Voter | Template, list[VoterRecord]]:
        """The process, budget, voter and the voter's records of a ballot page, or the refusal page to show
        instead of the voter.

        With `unchecked` (the cast's cached copy of the round, not checked against the database) the voter's
        records are not read either: the write checks the round's version and the voter's slot itself, and
        nothing here reads the database."""
        if unchecked is not None:
            if not can_see_process(current_user_or_none(request), unchecked):
                raise NotFoundException()
            process = unchecked
        else:
            process = await get_cached_voting_process(request, db, services, slug)
        budget = get_budget_of(process, budget_id)
        visitor = await visitor_of(request, db, process)
        if visitor.voter is None:
            assert visitor.refusal is not None
            refused = refused_page(request, process, visitor, visitor.refusal.message, visitor.refusal.params)
            return process, budget, visitor, refused, []
        state = voting_state_refusal(process, now(), casting=casting)
        if state is not None:
            return process, budget, visitor, refused_page(request, process, visitor, state, {}), []
        records = [] if unchecked is not None else await voting.voter_records(db, process, visitor.voter)
        refusal = voting.refusal_for_budget(process, budget, visitor.voter, records)
        if refusal is not None:
            return process, budget, visitor, refused_page(request, process, visitor, refusal, {}), records
        return process, budget, visitor, visitor.voter, records

    @get("/{budget_id:int}")
    async def ballot(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
        q: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
    ) -> Template:
        process, budget, visitor, voter, _records = await self._ballot_access(request, db, services, slug, budget_id)
        if isinstance(voter, Template):
            return voter
        projects = await cached_projects(db, services, process, budget)
        current = await current_choices(db, services, budget, voter)
        state = check_ballot(budget, projects, dict(current or {}), Errors())
        context = ballot_context(
            request,
            process,
            budget,
            projects,
            state,
            visitor=visitor,
            current=current,
            wanted=forms.parse_filter(q, sort),
        )
        return Template(template_name="voting/ballot.html", context=context, headers=VARY)

    @post("/{budget_id:int}")
    async def ballot_step(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template:
        """The ballot form's buttons without JavaScript: update the total, filter, review, back to editing."""
        process, budget, visitor, voter, _records = await self._ballot_access(request, db, services, slug, budget_id)
        if isinstance(voter, Template):
            return voter
        data = await read_form_lists(request)
        step = forms.parse_step(first(data, "action"))
        projects = await cached_projects(db, services, process, budget)
        choices, errors = forms.parse_choices(Format(budget.ballot_format), data, translator(request))
        state = check_ballot(budget, projects, choices, errors)
        current = await current_choices(db, services, budget, voter)
        wanted = forms.parse_filter(first(data, "q"), first(data, "sort"))
        reviewing = step == Step.REVIEW
        context = ballot_context(
            request,
            process,
            budget,
            projects,
            state,
            visitor=visitor,
            current=current,
            wanted=wanted,
            show_errors=reviewing,
        )
        if is_htmx(request):
            return total_fragment(context)
        if reviewing:
            if state.errors or state.problems:
                # WCAG 2.1 SC 3.3.1: the problems are named in text, next to the projects and in a summary.
                return Template(template_name="voting/ballot.html", context=context, status_code=422, headers=VARY)
            return await self._review_page(db, context, visitor)
        return Template(template_name="voting/ballot.html", context=context, headers=VARY)

    async def _review_page(self, db: AsyncSession, context: dict[str, Any], visitor: Visitor) -> Template:
        context["chosen"] = chosen_list(context["format"], context["projects"], context["choices"])
        context["can_email"] = can_email(visitor)
        # The resident's notification settings (issue 7) decide whether the box starts ticked; the box decides.
        context["email_summary_checked"] = (
            context["can_email"]
            and visitor.user is not None
            and await wants_email(db, visitor.user, Topic.BALLOT_SUMMARY)
        )
        return Template(template_name="voting/review.html", context=context, headers=VARY)

    @post("/{budget_id:int}/total")
    async def total(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template:
        """The running total and what the rules still ask for, for htmx (a full page without it)."""
        process, budget, visitor, voter, _records = await self._ballot_access(request, db, services, slug, budget_id)
        if isinstance(voter, Template):
            return voter
        data = await read_form_lists(request)
        projects = await cached_projects(db, services, process, budget)
        choices, errors = forms.parse_choices(Format(budget.ballot_format), data, translator(request))
        state = check_ballot(budget, projects, choices, errors)
        current = await current_choices(db, services, budget, voter)
        wanted = forms.parse_filter(first(data, "q"), first(data, "sort"))
        context = ballot_context(
            request, process, budget, projects, state, visitor=visitor, current=current, wanted=wanted
        )
        if is_htmx(request):
            return total_fragment(context)
        return Template(template_name="voting/ballot.html", context=context, headers=VARY)

    @post("/{budget_id:int}/cast")
    async def cast(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template | Redirect | Response[str]:
        # Voting day's hot path: on PostgreSQL the cast decides on the worker's copy of the round without asking
        # the database, and its one-statement write checks that copy's version (one round trip for the whole
        # cast). When the round changed in between, nothing was written and the cast is decided again on the
        # round as it is now.
        copy = services.process_cache.unchecked(slug) if db.get_bind().dialect.name == "postgresql" else None
        if copy is not None:
            try:
                return await self._cast(request, db, services, slug, budget_id, copy)
            except (voting.RoundChanged, DecideOnCheckedPath):
                pass
        return await self._cast(request, db, services, slug, budget_id, None)

    async def _cast(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        services: Services,
        slug: str,
        budget_id: int,
        copy: tuple[Process, int] | None,
    ) -> Template | Redirect | Response[str]:
        process, budget, visitor, voter, records = await self._ballot_access(
            request, db, services, slug, budget_id, casting=True, unchecked=copy[0] if copy else None
        )
        if isinstance(voter, Template):
            return voter
        _ = translator(request)
        data = await read_form_lists(request)
        projects = await cached_projects(db, services, process, budget)
        format = Format(budget.ballot_format)
        choices, errors = forms.parse_choices(format, data, _)
        summary_wanted = forms.parse_wants_email({"email_summary": first(data, "email_summary") or ""})
        receipt: str | None = None
        problems: list[rules.Problem] = []
        if not errors:
            try:
                receipt = await voting.cast_ballot(
                    db,
                    services.voting_keys,
                    process,
                    budget,
                    voter,
                    choices,
                    now(),
                    used_code_id=code_being_used(request, services, voter),
                    projects=projects,
                    records=records,
                    round_version=copy[1] if copy else None,
                )
            except VotingRefused as refusal:
                if not refusal.problems:
                    # Closed in the meantime, or the voter chose another district in another tab.
                    return refused_page(request, process, visitor, refusal.message, refusal.params)
                problems = refusal.problems
        if receipt is None:
            if copy is not None:
                raise DecideOnCheckedPath()
            current = await current_choices(db, services, budget, voter)
            context = ballot_context(
                request,
                process,
                budget,
                projects,
                BallotState(choices, errors, problems),
                visitor=visitor,
                current=current,
                wanted=ProjectFilter(),
                show_errors=True,
            )
            if is_htmx(request):
                return total_fragment(context, status=422)
            return Template(template_name="voting/ballot.html", context=context, status_code=422, headers=VARY)
        request.session[RECEIPT_KEY] = {"process_id": process.id, "budget_id": budget.id, "receipt": receipt}
        user = visitor.user
        if summary_wanted and user is not None and can_email(visitor):
            sent = await send_summary(request, services, user, process, budget, chosen_list(format, projects, choices))
            if sent:
                flash(request, _("We sent a summary of your ballot to %(email)s.") % {"email": user.email})
            else:
                flash(request, _("Your ballot was saved, but the summary email could not be sent."), "error")
        done = f"/processes/{process.slug}/vote/{budget.id}/done"
        if is_htmx(request):
            # htmx follows a 303 inside the page; HX-Redirect makes the browser load the receipt page itself.
            return Response(content="", status_code=200, headers={"HX-Redirect": done, **VARY})
        return see_other(done)

    @get("/{budget_id:int}/done")
    async def done(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template:
        process = await get_voting_process(request, db, slug)
        budget = get_budget_of(process, budget_id)
        stored = request.session.get(RECEIPT_KEY)
        receipt: str | None = None
        if isinstance(stored, dict) and stored.get("process_id") == process.id and stored.get("budget_id") == budget.id:
            # Shown once: the receipt code is not kept anywhere after this page (only its hash, with the ballot).
            receipt = str(request.session.pop(RECEIPT_KEY)["receipt"])
        visitor = await visitor_of(request, db, process)
        current: list[Chosen] | None = None
        others = False
        if visitor.voter is not None:
            projects = await cached_projects(db, services, process, budget)
            choices = await current_choices(db, services, budget, visitor.voter)
            current = chosen_list(Format(budget.ballot_format), projects, choices) if choices else None
            records = await voting.voter_records(db, process, visitor.voter)
            voted = {record.budget_id for record in records}
            others = any(
                other.id not in voted and voting.refusal_for_budget(process, other, visitor.voter, records) is None
                for other in voting.budgets_for(process, visitor.voter)
            )
        return page(
            "voting/done.html",
            process=process,
            budget=budget,
            format=Format(budget.ballot_format),
            receipt=receipt,
            current=current,
            others=others,
            kiosk=visitor.kiosk,
        )


def first(data: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = data.get(name)
    return values[0] if values else None


ROUTES: list[Any] = [VotingController]
