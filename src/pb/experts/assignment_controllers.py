"""HTTP for the coordinators' assignment pages: the list and new assignments, one assignment (details, the
department's request, finding and inviting experts), sessions and attendance, and confidential notes and input.
The summary and the money are in ``summary_controllers``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.experts import assignments, confidential, forms
from pb.experts import services as experts
from pb.experts.controllers import BASE, refusal_text
from pb.experts.models import (
    ASSIGNMENT_STATUS_LABELS,
    AVAILABILITY_LABELS,
    CONFIDENTIALITY_LABELS,
    INVITATION_RESPONSE_LABELS,
    WORKING_LANGUAGES,
    Assignment,
    AssignmentStatus,
    Confidentiality,
    ExpertGroup,
    FeeBasis,
    InvitationResponse,
)
from pb.i18n import N_
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, read_form, read_form_lists, translator
from pb.web.responses import flash, page, see_other

ASSIGNMENT_TEMPLATE = "experts/email/assignment.txt"
SIGNOFF_TEMPLATE = "experts/email/signoff.txt"
DEFAULT_AGREEMENT = (
    "I keep secret what I hear about other people in this assignment, also after it has ended. "
    "I do not tell anyone who took part. I may talk about my own experiences as I wish."
)


# The assignment form's labels (message ids, translated in the template), also used by the error summary.
ASSIGNMENT_LABELS = {
    "topic": N_("Topic"),
    "department": N_("Department or unit that asked"),
    "questions": N_("Questions for the experts"),
    "starts_on": N_("Starts"),
    "ends_on": N_("Ends"),
    "experts_wanted": N_("Number of experts wanted"),
    "confidentiality": N_("Confidentiality"),
    "fee_basis": N_("Fee basis"),
    "fee_rate": N_("Fee in euros"),
    "agreement_text": N_("Confidentiality agreement"),
}


def details_form(assignment: Assignment) -> dict[str, str]:
    rate = assignment.fee_rate_cents
    return {
        "department": assignment.department,
        "topic": assignment.topic,
        "questions": assignment.questions,
        "starts_on": assignment.starts_on.isoformat(),
        "ends_on": assignment.ends_on.isoformat(),
        "experts_wanted": str(assignment.experts_wanted),
        "confidentiality": assignment.confidentiality,
        "fee_basis": assignment.fee_basis,
        "fee_rate": f"{rate // 100},{rate % 100:02d}",
        "agreement_text": assignment.agreement_text or DEFAULT_AGREEMENT,
    }


def common(group: ExpertGroup, assignment: Assignment) -> dict[str, Any]:
    return {
        "group": group,
        "assignment": assignment,
        "is_coordinator": True,
        "status_labels": ASSIGNMENT_STATUS_LABELS,
        "confidentiality_labels": CONFIDENTIALITY_LABELS,
        "is_open": assignment.status == AssignmentStatus.OPEN,
        "assignment_labels": ASSIGNMENT_LABELS,
        "response_labels": INVITATION_RESPONSE_LABELS,
    }


async def notify(services: Services, rows: list[assignments.Candidate], template: str, subject: str) -> None:
    """A short note to log in; what the work is about stays in pb, not in people's mailboxes."""
    for row in rows:
        message = services.mailer.compose(
            row.identity.email,
            row.identity.preferred_language,
            subject,
            template,
            link=f"{services.settings.base_url}/experts",
            settings=services.settings,
        )
        await services.mailer.send(message)


class AssignmentController(Controller):
    path = BASE
    guards = [requires_role(Role.COORDINATOR, Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    # --- the list and new assignments ---

    async def _list(self, db: AsyncSession, group: ExpertGroup, *, status: int = 200, **overrides: Any) -> Template:
        context: dict[str, Any] = {
            "group": group,
            "is_coordinator": True,
            "assignments": await assignments.assignments_of(db, group),
            "status_labels": ASSIGNMENT_STATUS_LABELS,
            "confidentiality_labels": CONFIDENTIALITY_LABELS,
            "assignment_labels": ASSIGNMENT_LABELS,
            "form": {
                "confidentiality": Confidentiality.SECRET.value,
                "fee_basis": FeeBasis.SESSION.value,
                "experts_wanted": "5",
                "agreement_text": DEFAULT_AGREEMENT,
            },
            "errors": Errors(),
        }
        context.update(overrides)
        return page("experts/coordinator/assignments.html", status=status, **context)

    @get("/groups/{group_id:int}/assignments", name="coordinator_assignments")
    async def list_page(
        self, request: Request[Any, Any, Any], group_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        return await self._list(db, await experts.get_group_for(db, signed_in(request), group_id))

    @post("/groups/{group_id:int}/assignments")
    async def create(
        self,
        request: Request[Any, Any, Any],
        group_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        group = await experts.get_group_for(db, actor, group_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_assignment(data, _, experts.today(services.settings.timezone))
        if errors:
            return await self._list(db, group, status=422, form=data, errors=errors)
        assignment = await assignments.create_assignment(db, actor, group, details, client_address(request))
        flash(request, _("The assignment has been created. Find experts for it next."))
        return see_other(f"{BASE}/assignments/{assignment.id}")

    # --- one assignment: details, the request, finding and inviting experts ---

    async def _assignment(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        group: ExpertGroup,
        assignment: Assignment,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        lists = {key: list(values) for key, values in request.query_params.dict().items()}
        search = forms.parse_search(lists, {area.id for area in group.areas})
        actor = signed_in(request)
        day = experts.today(request.app.state.settings.timezone)
        invited = await assignments.invitations_of(db, assignment)
        candidates = (
            await assignments.search(db, actor, assignment, search, day, client_address(request))
            if assignment.status == AssignmentStatus.OPEN and "searched" in lists
            else None
        )
        await assignments.log_assignment_view(db, actor, assignment, len(invited), client_address(request))
        context: dict[str, Any] = {
            **common(group, assignment),
            "details": details_form(assignment),
            "errors": Errors(),
            "decision_form": {},
            "decision_errors": Errors(),
            "invitations": invited,
            "accepted": sum(1 for row in invited if row.invitation.response == InvitationResponse.ACCEPTED),
            "search": search,
            "search_query": request.url.query,
            "candidates": candidates,
            "chosen": set(),
            "invite_errors": Errors(),
            "availability_labels": AVAILABILITY_LABELS,
            "working_languages": WORKING_LANGUAGES,
            "areas": {area.id: area for area in group.areas},
        }
        context.update(overrides)
        return page("experts/coordinator/assignment.html", status=status, **context)

    @get("/assignments/{assignment_id:int}", name="coordinator_assignment")
    async def show(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        assignment, group = await experts.get_assignment_for(db, signed_in(request), assignment_id)
        return await self._assignment(request, db, group, assignment)

    @post("/assignments/{assignment_id:int}/details")
    async def save_details(
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
        details, errors = forms.parse_assignment(data, _, experts.today(services.settings.timezone))
        if not errors:
            try:
                await assignments.update_assignment(db, actor, assignment, details, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add(refused.field or "topic", refusal_text(refused, _))
            else:
                flash(request, _("The assignment has been saved."))
                return see_other(f"{BASE}/assignments/{assignment.id}")
        return await self._assignment(request, db, group, assignment, status=422, details=data, errors=errors)

    @post("/assignments/{assignment_id:int}/decline")
    async def decline(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        data = await read_form(request)
        note, errors = forms.parse_decision_note(data, _)
        if not errors:
            try:
                await assignments.decline_request(db, actor, assignment, note, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("decision_note", refusal_text(refused, _))
            else:
                flash(request, _("The request has been declined."))
                return see_other(f"{BASE}/assignments/{assignment.id}")
        return await self._assignment(
            request, db, group, assignment, status=422, decision_form=data, decision_errors=errors
        )

    @post("/assignments/{assignment_id:int}/close")
    async def close(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        actor = signed_in(request)
        assignment, _group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        try:
            await assignments.close_assignment(db, actor, assignment, client_address(request))
        except experts.ExpertsRefused as refused:
            flash(request, refusal_text(refused, _), "error")
        else:
            flash(request, _("The assignment has been closed."))
        return see_other(f"{BASE}/assignments/{assignment.id}")

    @post("/assignments/{assignment_id:int}/invitations")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        chosen, errors = forms.parse_chosen_experts(await read_form_lists(request), _)
        if not errors:
            try:
                invited = await assignments.invite_experts(
                    db, actor, assignment, chosen, experts.today(services.settings.timezone), client_address(request)
                )
            except experts.ExpertsRefused as refused:
                errors.add("expert", refusal_text(refused, _))
            else:
                await notify(services, invited, ASSIGNMENT_TEMPLATE, N_("You have a new invitation in pb"))
                flash(request, _("%(count)s experts have been invited.") % {"count": len(invited)})
                return see_other(f"{BASE}/assignments/{assignment.id}#invitations")
        return await self._assignment(
            request, db, group, assignment, status=422, invite_errors=errors, chosen=set(chosen)
        )

    # --- sessions and attendance ---

    async def _sessions(
        self, db: AsyncSession, group: ExpertGroup, assignment: Assignment, *, status: int = 200, **overrides: Any
    ) -> Template:
        context: dict[str, Any] = {
            **common(group, assignment),
            "sessions": await assignments.sessions_of(db, assignment),
            "participants": await assignments.participants(db, assignment),
            "attendance": await assignments.attendance_of(db, assignment),
            "form": {"duration_minutes": "120", "time": "17:00"},
            "errors": Errors(),
        }
        context.update(overrides)
        return page("experts/coordinator/sessions.html", status=status, **context)

    @get("/assignments/{assignment_id:int}/sessions", name="coordinator_sessions")
    async def sessions(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        assignment, group = await experts.get_assignment_for(db, signed_in(request), assignment_id)
        return await self._sessions(db, group, assignment)

    @post("/assignments/{assignment_id:int}/sessions")
    async def add_session(
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
        form, errors = forms.parse_session(data, _, services.settings.timezone)
        if not errors:
            try:
                await assignments.add_session(db, actor, assignment, form, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add(refused.field, refusal_text(refused, _))
            else:
                flash(request, _("The session has been added."))
                return see_other(f"{BASE}/assignments/{assignment.id}/sessions")
        return await self._sessions(db, group, assignment, status=422, form=data, errors=errors)

    @post("/assignments/{assignment_id:int}/sessions/{session_id:int}/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[int],
        session_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        actor = signed_in(request)
        assignment, _group = await experts.get_assignment_for(db, actor, assignment_id)
        session = next((item for item in await assignments.sessions_of(db, assignment) if item.id == session_id), None)
        if session is None:
            raise NotFoundException()
        people = [row.expert.id for row in await assignments.participants(db, assignment)]
        marks = forms.parse_attendance(await read_form_lists(request), people, session.duration_minutes)
        await assignments.record_attendance(db, actor, assignment, session, marks, client_address(request))
        flash(request, translator(request)(N_("The attendance has been saved.")))
        return see_other(f"{BASE}/assignments/{assignment.id}/sessions#session-{session.id}")

    # --- confidential notes and input ---

    async def _input(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        group: ExpertGroup,
        assignment: Assignment,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        read = await confidential.read_confidential(db, signed_in(request), assignment, client_address(request))
        context: dict[str, Any] = {**common(group, assignment), "read": read, "form": {}, "errors": Errors()}
        context.update(overrides)
        return page("experts/coordinator/input.html", status=status, **context)

    @get("/assignments/{assignment_id:int}/input", name="coordinator_input")
    async def input_page(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        assignment, group = await experts.get_assignment_for(db, signed_in(request), assignment_id)
        return await self._input(request, db, group, assignment)

    @post("/assignments/{assignment_id:int}/notes")
    async def add_note(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        assignment, group = await experts.get_assignment_for(db, actor, assignment_id)
        _ = translator(request)
        data = await read_form(request)
        body, errors = forms.parse_body(data, _, N_("Write the note."))
        if not errors:
            try:
                await confidential.add_note(db, actor, assignment, body, client_address(request))
            except experts.ExpertsRefused as refused:
                errors.add("body", refusal_text(refused, _))
            else:
                flash(request, _("The note has been saved."))
                return see_other(f"{BASE}/assignments/{assignment.id}/input")
        return await self._input(request, db, group, assignment, status=422, form=data, errors=errors)
