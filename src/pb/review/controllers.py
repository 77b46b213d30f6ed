"""HTTP for co-creation and review: my assignments, a process's review list, a proposal's review page, plans,
and the ballot. Admin-only handlers carry their own guard on top of the controller's."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.i18n import N_
from pb.processes.models import Process, Project
from pb.proposals.models import STATUS_LABELS, Proposal
from pb.proposals.services import notify_followers
from pb.review import forms
from pb.review import services as review
from pb.review.services import Access, ReviewRefused
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, clean_text, language_of, read_form, read_form_lists, translator
from pb.web.responses import flash, is_htmx, page, see_other

REVIEW_STAFF = requires_role(Role.REVIEWER, Role.ADMIN)
ADMIN_ONLY = requires_role(Role.ADMIN)


def refusal_errors(refused: ReviewRefused, _: Translate, field: str) -> Errors:
    errors = Errors()
    text = _(refused.message)
    if refused.titles:
        text = f"{text} {', '.join(refused.titles)}"
    errors.add(field, text)
    return errors


class ReviewController(Controller):
    path = "/review"
    guards = [REVIEW_STAFF]
    include_in_schema = False
    opt = {"staff": True}

    # --- overview --------------------------------------------------------------------------------------

    @get("/", name="review")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        user = signed_in(request)
        return page(
            "review/index.html",
            assignments=await review.my_assignments(db, user),
            processes=await review.reviewable_processes(db, user) if review.is_admin(user) else [],
            status_labels=STATUS_LABELS,
        )

    # --- one process -----------------------------------------------------------------------------------

    async def _render_process(
        self,
        db: AsyncSession,
        process: Process,
        *,
        status: int = 200,
        errors: Errors | None = None,
        selected: list[int] | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        return page(
            "review/process.html",
            status=status,
            process=process,
            rows=await review.process_proposals(db, process),
            reviewers=await review.reviewers(db),
            voting_started=review.voting_has_started(process),
            status_labels=STATUS_LABELS,
            errors=errors or Errors(),
            selected=set(selected or []),
            form=form or {},
        )

    @get("/processes/{process_id:int}", guards=[ADMIN_ONLY])
    async def process(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await review.get_process_for_review(db, signed_in(request), process_id, Access.MANAGE)
        return await self._render_process(db, process)

    @post("/processes/{process_id:int}/assignments", guards=[ADMIN_ONLY])
    async def assign_many(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await review.get_process_for_review(db, actor, process_id, Access.MANAGE)
        _ = translator(request)
        data, lists = await read_form(request), await read_form_lists(request)
        errors = Errors()
        ids = forms.parse_selection(lists.get("proposals", []), errors, _)
        reviewer = forms.parse_reviewer(data.get("reviewer"), await review.reviewers(db), errors, _)
        proposals = await review.proposals_of(db, process, ids)
        if not errors and reviewer is not None:
            try:
                added = await review.assign(db, actor, proposals, reviewer, client_address(request))
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "proposals")
            else:
                message = _("Proposals assigned to %(name)s: %(num)s.")
                flash(request, message % {"num": len(added), "name": reviewer.display_name})
                return see_other(f"/review/processes/{process.id}")
        return await self._render_process(db, process, status=422, errors=errors, selected=ids, form=data)

    # A POST that changes nothing: it carries the chosen checkboxes from the list to the plan form without
    # putting the CSRF token of the list's form into a URL, as a GET would.
    @post("/processes/{process_id:int}/plan/draft", guards=[ADMIN_ONLY], status_code=200)
    async def plan_form(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await review.get_process_for_review(db, signed_in(request), process_id, Access.MANAGE)
        _ = translator(request)
        errors = Errors()
        ids = forms.parse_selection((await read_form_lists(request)).get("proposals", []), errors, _, minimum=2)
        if errors:
            return await self._render_process(db, process, status=422, errors=errors, selected=ids)
        sources = await review.proposals_of(db, process, ids)
        draft = review.plan_draft(sources)
        form = {
            "title": draft.title,
            "summary": draft.summary,
            "body": draft.body,
            "district": str(draft.district_id or ""),
            "theme": str(draft.theme_id or ""),
        }
        return await self._render_plan(request, db, process, sources, form, Errors())

    async def _render_plan(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        process: Process,
        sources: list[Proposal],
        form: dict[str, str],
        errors: Errors,
        *,
        status: int = 200,
    ) -> Template:
        return page(
            "review/plan.html",
            status=status,
            process=process,
            sources=sources,
            form=form,
            errors=errors,
            districts=await review.district_choices(db, process, language_of(request)),
        )

    @post("/processes/{process_id:int}/plan", guards=[ADMIN_ONLY])
    async def create_plan(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await review.get_process_for_review(db, actor, process_id, Access.MANAGE)
        _ = translator(request)
        data, lists = await read_form(request), await read_form_lists(request)
        details, errors = forms.parse_plan(data, process, _)
        ids = forms.parse_selection(lists.get("proposals", []), errors, _, minimum=2)
        sources = await review.proposals_of(db, process, ids)
        if not errors:
            try:
                plan = await review.create_plan(
                    db, actor, process, sources, details, language_of(request), client_address(request)
                )
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "proposals")
            else:
                # The authors (issue 3) and followers of each source, each in their own language.
                for source in sources:
                    await notify_followers(
                        services,
                        db,
                        source,
                        N_("A proposal has been combined into a plan"),
                        "review/email/merged.txt",
                        plan=plan,
                        plan_link=services.settings.base_url + review.proposal_url(plan.id),
                    )
                flash(request, _("The plan has been created and the authors of its proposals informed."))
                return see_other(review.review_url(plan.id))
        return await self._render_plan(request, db, process, sources, data, errors, status=422)

    @post("/processes/{process_id:int}/ballot", guards=[ADMIN_ONLY])
    async def ballot_many(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await review.get_process_for_review(db, actor, process_id, Access.MANAGE)
        _ = translator(request)
        data, lists = await read_form(request), await read_form_lists(request)
        errors = Errors()
        ids = forms.parse_selection(lists.get("proposals", []), errors, _)
        budget = forms.parse_budget(data.get("budget"), process, errors, _)
        proposals = await review.proposals_of(db, process, ids)
        if not errors and budget is not None:
            try:
                made = await review.put_on_ballot(
                    db, actor, process, budget, [(proposal, None) for proposal in proposals], client_address(request)
                )
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "proposals")
            else:
                message = _("Projects added to the ballot: %(num)s.")
                flash(request, message % {"num": len(made)})
                return see_other(f"/review/processes/{process.id}/ballot")
        return await self._render_process(db, process, status=422, errors=errors, selected=ids, form=data)

    @get("/processes/{process_id:int}/ballot")
    async def ballot(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        process = await review.get_process_for_review(db, user, process_id, Access.READ)
        return page(
            "review/ballot.html",
            process=process,
            ballots=await review.ballot(db, process),
            voting_started=review.voting_has_started(process),
            can_edit=review.is_admin(user),
        )

    # --- one proposal ----------------------------------------------------------------------------------

    async def _render_proposal(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        proposal: Proposal,
        *,
        status: int = 200,
        decision: dict[str, str] | None = None,
        decision_errors: Errors | None = None,
        note_errors: Errors | None = None,
        note: str = "",
        assign_errors: Errors | None = None,
        ballot_form: dict[str, str] | None = None,
        ballot_errors: Errors | None = None,
    ) -> Template:
        user = signed_in(request)
        row, process = await review.proposal_page(db, proposal)
        saved = row.review
        admin = review.is_admin(user)
        timeline: review.Timeline = (await review.timeline_context(db, proposal, user))["timeline"]
        context = {
            "proposal": proposal,
            "row": row,
            "process": process,
            "status_labels": STATUS_LABELS,
            "is_admin": admin,
            "can_decide": admin or any(reviewer.id == user.id for reviewer in row.reviewers),
            "reviewable": proposal.status in review.REVIEWABLE,
            "decision": decision
            or {
                "feasibility": saved.feasibility if saved else "",
                "public_reason": saved.public_reason if saved else "",
                "cost_min": forms.euros_text(saved.cost_min_cents if saved else None),
                "cost_max": forms.euros_text(
                    saved.cost_max_cents if saved and saved.cost_max_cents != saved.cost_min_cents else None
                ),
            },
            "decision_errors": decision_errors or Errors(),
            "note": note,
            "note_errors": note_errors or Errors(),
            "reviewers": await review.reviewers(db) if admin else [],
            "assign_errors": assign_errors or Errors(),
            "ballot_form": ballot_form
            or {"title": proposal.title, "summary": proposal.summary, "cost": forms.euros_text(row.ballot_cost)},
            "ballot_errors": ballot_errors or Errors(),
            "voting_started": review.voting_has_started(process),
            # The notes have their own section with a form here, so the timeline leaves them out.
            "timeline": replace(timeline, show_staff=False, review_url=None),
            "notes": timeline.notes,
        }
        return page("review/proposal.html", status=status, **context)

    @get("/proposals/{proposal_id:int}")
    async def proposal(
        self, request: Request[Any, Any, Any], proposal_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        proposal = await review.get_proposal_for_review(db, signed_in(request), proposal_id, Access.READ)
        return await self._render_proposal(request, db, proposal)

    @post("/proposals/{proposal_id:int}/decision")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        proposal_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        proposal = await review.get_proposal_for_review(db, actor, proposal_id, Access.DECIDE)
        _ = translator(request)
        data = await read_form(request)
        decision, errors = forms.parse_decision(data, _)
        if not errors:
            try:
                changed = await review.decide(db, actor, proposal, decision, client_address(request))
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "feasibility")
            else:
                if changed:
                    # Authors (issue 3) and followers (status changes), each in their own language.
                    await notify_followers(
                        services,
                        db,
                        proposal,
                        N_("City experts have reviewed a proposal"),
                        "review/email/decision.txt",
                        decision=decision,
                    )
                flash(request, _("The decision has been saved.") if changed else _("Nothing changed."))
                return see_other(review.review_url(proposal_id))
        return await self._render_proposal(request, db, proposal, status=422, decision=data, decision_errors=errors)

    @post("/proposals/{proposal_id:int}/notes")
    async def add_note(
        self, request: Request[Any, Any, Any], proposal_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        proposal = await review.get_proposal_for_review(db, actor, proposal_id, Access.READ)
        data = await read_form(request)
        body, errors = forms.parse_note(data, translator(request))
        if not errors:
            await review.add_note(db, actor, proposal, body, client_address(request))
            if not is_htmx(request):
                flash(request, translator(request)(N_("The note has been added.")))
                return see_other(review.review_url(proposal_id) + "#notes")
        if is_htmx(request):
            return page(
                "review/_notes.html",
                status=422 if errors else 200,
                proposal=proposal,
                note=body if errors else "",
                note_errors=errors,
                added=not errors,
                notes=(await review.timeline_context(db, proposal, actor))["timeline"].notes,
            )
        return await self._render_proposal(request, db, proposal, status=422, note=body, note_errors=errors)

    @post("/proposals/{proposal_id:int}/assignments", guards=[ADMIN_ONLY])
    async def assign_one(
        self, request: Request[Any, Any, Any], proposal_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        proposal = await review.get_proposal_for_review(db, actor, proposal_id, Access.MANAGE)
        _ = translator(request)
        data = await read_form(request)
        errors = Errors()
        reviewer = forms.parse_reviewer(data.get("reviewer"), await review.reviewers(db), errors, _)
        if reviewer is not None:
            try:
                await review.assign(db, actor, [proposal], reviewer, client_address(request))
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "reviewer")
            else:
                flash(request, _("Assigned to %(name)s.") % {"name": reviewer.display_name})
                return see_other(review.review_url(proposal_id))
        return await self._render_proposal(request, db, proposal, status=422, assign_errors=errors)

    @post("/proposals/{proposal_id:int}/assignments/{reviewer_id:int}/remove", guards=[ADMIN_ONLY])
    async def unassign(
        self,
        request: Request[Any, Any, Any],
        proposal_id: FromPath[int],
        reviewer_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        proposal = await review.get_proposal_for_review(db, actor, proposal_id, Access.MANAGE)
        if await review.unassign(db, actor, proposal, reviewer_id, client_address(request)):
            flash(request, translator(request)(N_("The assignment has been removed.")))
        return see_other(review.review_url(proposal_id))

    @post("/proposals/{proposal_id:int}/ballot", guards=[ADMIN_ONLY])
    async def ballot_one(
        self, request: Request[Any, Any, Any], proposal_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        proposal = await review.get_proposal_for_review(db, actor, proposal_id, Access.MANAGE)
        process = await db.get_one(Process, proposal.process_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_project(data, _)
        budget = forms.parse_budget(data.get("budget"), process, errors, _)
        if not errors and budget is not None:
            try:
                await review.put_on_ballot(db, actor, process, budget, [(proposal, details)], client_address(request))
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "budget")
            else:
                flash(request, _("The proposal is now on the ballot."))
                return see_other(f"/review/processes/{process.id}/ballot")
        return await self._render_proposal(request, db, proposal, status=422, ballot_form=data, ballot_errors=errors)

    # --- ballot projects -------------------------------------------------------------------------------

    @get("/projects/{project_id:int}", guards=[ADMIN_ONLY])
    async def project(
        self, request: Request[Any, Any, Any], project_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        project, process = await review.get_project_for(db, signed_in(request), project_id)
        form = {"title": project.title, "summary": project.summary, "cost": forms.euros_text(project.cost_cents)}
        return self._render_project(project, process, form, Errors())

    def _render_project(
        self, project: Project, process: Process, form: dict[str, str], errors: Errors, *, status: int = 200
    ) -> Template:
        return page(
            "review/project.html",
            status=status,
            project=project,
            process=process,
            form=form,
            errors=errors,
            voting_started=review.voting_has_started(process),
        )

    @post("/projects/{project_id:int}", guards=[ADMIN_ONLY])
    async def update_project(
        self, request: Request[Any, Any, Any], project_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        project, process = await review.get_project_for(db, actor, project_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_project(data, _)
        if not errors:
            try:
                changed = await review.update_project(db, actor, process, project, details, client_address(request))
            except ReviewRefused as refused:
                errors = refusal_errors(refused, _, "title")
                return self._render_project(project, process, data, errors, status=409)
            flash(request, _("The project has been saved.") if changed else _("Nothing changed."))
            return see_other(f"/review/processes/{process.id}/ballot")
        return self._render_project(project, process, data, errors, status=422)

    @post("/projects/{project_id:int}/remove", guards=[ADMIN_ONLY])
    async def remove_project(
        self, request: Request[Any, Any, Any], project_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        project, process = await review.get_project_for(db, actor, project_id)
        _ = translator(request)
        data = await read_form(request)
        reason = " ".join(clean_text(data.get("reason")).split())
        errors = Errors()
        if not reason:
            errors.add("reason", _("Say publicly why the project leaves the ballot."))
        elif len(reason) > 1000:
            errors.add("reason", _("The reason can be at most 1,000 characters long."))
        if not errors:
            try:
                await review.remove_project(db, actor, process, project, reason, client_address(request))
            except ReviewRefused as refused:
                return self._render_project(project, process, data, refusal_errors(refused, _, "reason"), status=409)
            flash(request, _("The project has been removed from the ballot."))
            return see_other(f"/review/processes/{process.id}/ballot")
        form = {"title": project.title, "summary": project.summary, "cost": forms.euros_text(project.cost_cents)}
        return self._render_project(project, process, {**form, "reason": data.get("reason", "")}, errors, status=422)


ROUTES: list[Any] = [ReviewController]
