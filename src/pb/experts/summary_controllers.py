"""HTTP for the coordinators' pages on the outcome of an assignment: the anonymised summary with its check,
sign-off and publishing, the assignment's fees and expenses, and the group's ledger with its payroll file."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.experts import assignments, compensation, forms, summaries
from pb.experts import services as experts
from pb.experts.assignment_controllers import SIGNOFF_TEMPLATE, common, notify
from pb.experts.controllers import BASE, refusal_text
from pb.experts.models import Assignment, ExpertGroup
from pb.i18n import N_
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, translator
from pb.web.responses import flash, page, see_other


class SummaryController(Controller):
    path = BASE
    guards = [requires_role(Role.COORDINATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    # --- the summary ---

    async def _summary(
        self, db: AsyncSession, group: ExpertGroup, assignment: Assignment, *, status: int = 200, **overrides: Any
    ) -> Template:
        summary = await summaries.summary_of(db, assignment)
        needed = await summaries.sources(db, assignment)
        answers = await summaries.signoffs(db, summary) if summary else {}
        pseudonyms = {row.expert.id: row.expert.pseudonym for row in await assignments.invitations_of(db, assignment)}
        context: dict[str, Any] = {
            **common(group, assignment),
            "summary": summary,
            "form": {
                "themes": summary.themes if summary else "",
                "recommendations": summary.recommendations if summary else "",
                "quotes": summary.quotes if summary else "",
            },
            "errors": Errors(),
            "publish_errors": Errors(),
            "sources": sorted((pseudonyms.get(expert_id, "?"), answers.get(expert_id)) for expert_id in needed),
            "gate": await summaries.gate(db, assignment, summary, reviewed=False) if summary else None,
            "participants": len(await assignments.took_part(db, assignment)),
            "minimum": experts.MIN_GROUP,
        }
        context.update(overrides)
        return page("experts/coordinator/summary.html", status=status, **context)

    @get("/assignments/{assignment_id:int}/summary", name="coordinator_summary")
    async def summary_page(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        assignment, group = await experts.get_assignment_for(db, signed_in(request), assignment_id)
        return await self._summary(db, group, assignment)

    @post("/assignments/{assignment_id:int}/summary")
    async def save_summary(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        data = await read_form(request)
        form, errors = forms.parse_summary(data, _)
        if not errors:
            try:
                summary = await summaries.save_draft(db, actor, assignment, group, form, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add(refused.field or "themes", refusal_text(refused, _))
            else:
                if summary.check_warnings:
                    flash(
                        request, _("The draft has been saved. The check found things to look at: see below."), "error"
                    )
                else:
                    flash(request, _("The draft has been saved. The check found nothing to warn about."))
                return see_other(f"{BASE}/assignments/{assignment.id}/summary#check")
        return await self._summary(db, group, assignment, status=422, form=data, errors=errors)

    @post("/assignments/{assignment_id:int}/summary/signoff")
    async def request_signoff(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        actor = signed_in(request)
        assignment, _group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        summary = await summaries.summary_of(db, assignment)
        if summary is None:
            raise NotFoundException()
        try:
            asked = await summaries.request_signoff(db, actor, assignment, summary, client_address(request))
        except experts.ExpertsRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            rows = [row for row in await assignments.invitations_of(db, assignment) if row.expert.id in asked]
            await notify(
                services,
                [assignments.Candidate(row.expert, row.identity) for row in rows if row.identity],
                SIGNOFF_TEMPLATE,
                N_("You have a new message in pb"),
            )
            flash(request, _("The experts whose input is used have been asked to sign off the summary."))
        return see_other(f"{BASE}/assignments/{assignment.id}/summary#signoff")

    @post("/assignments/{assignment_id:int}/summary/publish")
    async def publish(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        summary = await summaries.summary_of(db, assignment)
        if summary is None:
            raise NotFoundException()
        data = await read_form(request)
        errors = Errors()
        try:
            await summaries.publish(
                db, actor, assignment, summary, reviewed=data.get("reviewed") == "yes", address=client_address(request)
            )
        except experts.ExpertsRefused as refused:
            errors.add("reviewed", refusal_text(refused, _))
            return await self._summary(db, group, assignment, status=422, publish_errors=errors)
        flash(request, _("The summary has been published."))
        return see_other(f"{BASE}/assignments/{assignment.id}/summary")


class CompensationController(Controller):
    path = BASE
    guards = [requires_role(Role.COORDINATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    # --- compensation ---

    async def _compensation(
        self, db: AsyncSession, group: ExpertGroup, assignment: Assignment, *, status: int = 200, **overrides: Any
    ) -> Template:
        rows = await compensation.ledger_of(db, group, assignment=assignment)
        sessions = await assignments.sessions_of(db, assignment)
        people = await assignments.participants(db, assignment)
        context: dict[str, Any] = {
            **common(group, assignment),
            "sessions": sessions,
            "participants": people,
            "session_options": [(session.id, session.title) for session in sessions],
            "expert_options": [
                (
                    row.expert.id,
                    f"{row.identity.name} ({row.expert.pseudonym})" if row.identity else row.expert.pseudonym,
                )
                for row in people
            ],
            "rows": rows,
            "totals": compensation.totals([row.entry for row in rows]),
            "fee_form": {},
            "fee_errors": Errors(),
            "expense_form": {},
            "expense_errors": Errors(),
        }
        context.update(overrides)
        return page("experts/coordinator/compensation.html", status=status, **context)

    @get("/assignments/{assignment_id:int}/compensation", name="coordinator_compensation")
    async def compensation_page(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        assignment, group = await experts.get_assignment_for(db, signed_in(request), assignment_id)
        return await self._compensation(db, group, assignment)

    @post("/assignments/{assignment_id:int}/fees")
    async def add_fees(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        data = await read_form(request)
        sessions = {session.id: session for session in await assignments.sessions_of(db, assignment)}
        session_id, errors = forms.parse_fee_session(data, _, set(sessions))
        if not errors:
            try:
                outcome = await compensation.add_session_fees(
                    db, actor, assignment, sessions[session_id], services.settings.timezone, client_address(request)
                )
            except experts.ExpertsRefused as refused:
                errors.add("session_id", refusal_text(refused, _))
            else:
                flash(request, _("%(count)s fee lines have been written.") % {"count": len(outcome.written)})
                if outcome.already:
                    flash(
                        request,
                        _("Already recorded earlier, not written again: %(who)s.")
                        % {"who": ", ".join(outcome.already)},
                        "error",
                    )
                if outcome.no_details:
                    flash(
                        request,
                        _("No payment details yet, so no fee was written: %(who)s.")
                        % {"who": ", ".join(outcome.no_details)},
                        "error",
                    )
                return see_other(f"{BASE}/assignments/{assignment.id}/compensation")
        return await self._compensation(db, group, assignment, status=422, fee_form=data, fee_errors=errors)

    @post("/assignments/{assignment_id:int}/expenses")
    async def add_expense(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        data = await read_form(request)
        people = {row.expert.id for row in await assignments.participants(db, assignment)}
        form, errors = forms.parse_expense(data, _, people)
        if not errors:
            try:
                await compensation.add_expense(db, actor, assignment, form, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                flash(request, _("The expense has been recorded."))
                return see_other(f"{BASE}/assignments/{assignment.id}/compensation")
        return await self._compensation(db, group, assignment, status=422, expense_form=data, expense_errors=errors)

    # --- the group's ledger ---

    @get("/groups/{group_id:int}/ledger", name="coordinator_ledger")
    async def ledger(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        year: FromQuery[str | None] = None,
    ) -> Template:
        group = await experts.get_group_for(db, signed_in(request), group_id)
        # A GET filter: a year that cannot be read is named next to the field, and this year is shown meanwhile.
        chosen, errors = forms.parse_year(year, translator(request))
        shown = chosen or experts.today(services.settings.timezone).year
        rows = await compensation.ledger_of(db, group, year=shown)
        return page(
            "experts/coordinator/ledger.html",
            status=422 if errors else 200,
            errors=errors,
            form={"year": year if errors else str(shown)},
            group=group,
            is_coordinator=True,
            year=shown,
            rows=rows,
            totals=compensation.totals([row.entry for row in rows]),
            unexported=sum(1 for row in await compensation.ledger_of(db, group) if row.entry.exported_at is None),
        )

    @post("/groups/{group_id:int}/ledger/export")
    async def export(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Response[bytes]:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id)
        data, batch, _count = await compensation.export_for_payroll(db, actor, group, client_address(request))
        return Response(
            content=data,
            status_code=200,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="expert-fees-{group.id}-{batch}.csv"',
                # Names and amounts: no browser or proxy keeps a copy.
                "Cache-Control": "no-store",
            },
        )
