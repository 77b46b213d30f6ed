"""HTTP for the panel's workspace: joining with the emailed link, sessions, attendance, tables, notes, materials,
hearings and the recommendations with their versions, comments, votes and minority statements.

Every page needs an account; the loader lets in the panel's facilitators and its active members and refuses
everyone else with 403. Facilitators' actions refuse members with 403 too (``workspace.require_facilitator``).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.panels import notices, work_forms, workspace
from pb.panels import recommendations as recs
from pb.panels.services import PanelRefused
from pb.panels.work_models import PanelRecommendation
from pb.panels.workspace import Seat
from pb.web.auth import client_address, requires_login
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, read_form, read_form_lists, translator
from pb.web.responses import flash, is_htmx, page, see_other

VARY = {"Vary": "HX-Request"}
MAX_MATERIAL_FORM = work_forms.MAX_MATERIAL_BYTES + 1024 * 1024


def _refusal(refused: PanelRefused, _: Translate) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


def _base(seat: Seat) -> str:
    return f"/panels/{seat.panel.slug}/workspace"


class WorkspaceController(Controller):
    path = "/panels/{slug:str}"
    guards = [requires_login]
    include_in_schema = False

    async def _seat(self, request: Request[Any, Any, Any], db: AsyncSession, slug: str) -> Seat:
        return await workspace.get_workspace_for(db, signed_in(request), slug)

    # --- joining ---

    @get("/join/{token:str}", name="panel_join")
    async def join_form(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        token: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template:
        panel = await workspace.panel_by_slug(db, slug)
        member = await workspace.member_for_token(db, services.settings.secret_key, panel, token)
        return page("panels/workspace/join.html", panel=panel, member=member, token=token, errors=Errors())

    @post("/join/{token:str}")
    async def join(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        token: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        panel = await workspace.panel_by_slug(db, slug)
        member = await workspace.member_for_token(db, services.settings.secret_key, panel, token)
        _ = translator(request)
        errors = Errors()
        if member is None:
            return page("panels/workspace/join.html", status=404, panel=panel, member=None, token=token, errors=errors)
        try:
            await workspace.join(db, user, member)
        except PanelRefused as refused:
            errors.add("join", _refusal(refused, _))
            return page(
                "panels/workspace/join.html", status=409, panel=panel, member=member, token=token, errors=errors
            )
        flash(request, _("Welcome to the panel's workspace."))
        return see_other(f"/panels/{panel.slug}/workspace")

    # --- the workspace ---

    async def _index(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        seat: Seat,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        recommendations = await recs.recommendations_of(db, seat.panel)
        members = await workspace.members_of(db, seat.panel)
        await workspace.record_view(db, seat, "workspace", client_address(request), members=len(members))
        context: dict[str, Any] = {
            "seat": seat,
            "panel": seat.panel,
            "sessions": await workspace.sessions_of(db, seat.panel),
            "materials": await workspace.materials_of(db, seat.panel),
            "hearings": await workspace.hearings_of(db, seat.panel),
            "members": members,
            "recommendations": [(item, recs.support_of(item)) for item in recommendations],
            "show_support": recs.may_see_support(seat, seat.panel),
            "stage_labels": recs.STAGE_LABELS,
            "no_errors": Errors(),
            "session_form": {},
            "session_errors": Errors(),
            "material_form": {},
            "material_errors": Errors(),
            "hearing_form": {},
            "hearing_errors": Errors(),
            "recommendation_form": {},
            "recommendation_errors": Errors(),
        }
        context.update(overrides)
        return page("panels/workspace/index.html", status=status, **context)

    @get("/workspace", name="panel_workspace")
    async def index(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        return await self._index(request, db, await self._seat(request, db, slug))

    @post("/workspace/sessions")
    async def add_session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        _ = translator(request)
        data = await read_form(request)
        form, errors = work_forms.parse_session(data, _, services.settings.timezone)
        if form is None:
            return await self._index(request, db, seat, status=422, session_form=data, session_errors=errors)
        session = await workspace.add_session(db, seat, form, client_address(request))
        flash(request, _("The session has been added."))
        return see_other(f"{_base(seat)}/sessions/{session.id}")

    @post("/workspace/materials", request_max_body_size=MAX_MATERIAL_FORM)
    async def add_material(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        _ = translator(request)
        form_data = await request.form()
        data = {key: value for key, value in form_data.items() if isinstance(value, str)}
        upload = form_data.get("file")
        raw, file_name = b"", ""
        if isinstance(upload, UploadFile):
            try:
                raw = await upload.read()
                file_name = upload.filename or ""
            finally:
                await upload.close()
        session_ids = {item.id for item in await workspace.sessions_of(db, seat.panel)}
        form, media_type, errors = work_forms.parse_material(data, _, file_name, len(raw), session_ids)
        if form is None:
            return await self._index(request, db, seat, status=422, material_form=data, material_errors=errors)
        await workspace.add_material(db, seat, form, file_name, media_type, raw, client_address(request))
        flash(request, _("The material has been added."))
        return see_other(f"{_base(seat)}#materials")

    @get("/workspace/materials/{material_id:int}", name="panel_material")
    async def material(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        material_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Response[bytes]:
        seat = await self._seat(request, db, slug)
        found = await workspace.material_of(db, seat.panel, material_id)
        return Response(
            content=found.data,
            media_type=found.media_type,
            headers={
                # Downloaded, never shown inside pb's pages (the file is not pb's HTML).
                "Content-Disposition": f'attachment; filename="material-{found.id}{_extension(found.file_name)}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    @post("/workspace/hearings")
    async def add_hearing(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        _ = translator(request)
        data = await read_form(request)
        session_ids = {item.id for item in await workspace.sessions_of(db, seat.panel)}
        form, errors = work_forms.parse_hearing(data, _, session_ids)
        if form is None:
            return await self._index(request, db, seat, status=422, hearing_form=data, hearing_errors=errors)
        await workspace.add_hearing(db, seat, form, client_address(request))
        flash(request, _("The hearing has been recorded."))
        return see_other(f"{_base(seat)}#hearings")

    @post("/workspace/stage")
    async def stage(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        _ = translator(request)
        stage, errors = work_forms.parse_stage(await read_form(request), _)
        if errors:
            flash(request, errors.messages["stage"], "error")
        else:
            await recs.set_stage(db, seat, recs.Stage(stage), client_address(request))
            flash(request, _("The recommendations' stage has been changed."))
        return see_other(f"{_base(seat)}#recommendations")

    @post("/workspace/name")
    async def name_consent(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_member(seat)
        _ = translator(request)
        public = (await read_form(request)).get("name_public") == "yes"
        await workspace.set_name_public(db, seat, public, client_address(request))
        flash(
            request,
            _("Your name is now shown on the public page.") if public else _("Your name is not shown publicly."),
        )
        return see_other(f"{_base(seat)}#members")

    @post("/workspace/members/{member_id:int}/join-link")
    async def resend_join_link(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        member_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        member = await workspace.member_of(db, seat.panel, member_id)
        _ = translator(request)
        try:
            await notices.resend_join_link(
                db, services.mailer, services.settings, seat.user, seat.panel, member, client_address(request)
            )
        except PanelRefused as refused:
            flash(request, _refusal(refused, _), "error")
        else:
            flash(
                request,
                _("A new join link has been emailed to %(name)s. The earlier link no longer works.")
                % {"name": member.display_name or member.pseudonym},
            )
        return see_other(f"{_base(seat)}#members")

    # --- sessions ---

    async def _session(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        seat: Seat,
        session_id: int,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        session = await workspace.session_of(db, seat.panel, session_id)
        members = await workspace.members_of(db, seat.panel, everyone=True)
        await workspace.record_view(
            db, seat, "session", client_address(request), session_id=session.id, members=len(members)
        )
        context: dict[str, Any] = {
            "seat": seat,
            "panel": seat.panel,
            "session": session,
            "members": [member for member in members if member.is_active],
            "names": {member.id: member.display_name for member in members},
            "present": {item.member_id for item in session.attendance if item.present},
            "tables": _tables(session),
            "materials": [m for m in await workspace.materials_of(db, seat.panel) if m.session_id == session.id],
            "hearings": [h for h in await workspace.hearings_of(db, seat.panel) if h.session_id == session.id],
            "notes_form": {"facilitator_notes": session.facilitator_notes},
            "notes_errors": Errors(),
            "tables_form": {"tables": str(session.tables or max(1, len(members) // 6))},
            "tables_errors": Errors(),
        }
        context.update(overrides)
        return page("panels/workspace/session.html", status=status, **context)

    @get("/workspace/sessions/{session_id:int}", name="panel_session")
    async def session(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        session_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template:
        return await self._session(request, db, await self._seat(request, db, slug), session_id)

    @post("/workspace/sessions/{session_id:int}/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        session_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        session = await workspace.session_of(db, seat.panel, session_id)
        present = {int(value) for value in (await read_form_lists(request)).get("present", []) if value.isdigit()}
        await workspace.save_attendance(db, seat, session, present, client_address(request))
        _ = translator(request)
        flash(request, _("The attendance has been saved."))
        return see_other(f"{_base(seat)}/sessions/{session.id}#attendance")

    @post("/workspace/sessions/{session_id:int}/tables")
    async def tables(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        session_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        session = await workspace.session_of(db, seat.panel, session_id)
        _ = translator(request)
        data = await read_form(request)
        count, errors = work_forms.parse_tables(data, _)
        if not errors:
            try:
                await workspace.allocate_tables(db, seat, session, count, client_address(request))
            except PanelRefused as refused:
                errors.add("tables", _refusal(refused, _))
        if errors:
            return await self._session(
                request, db, seat, session.id, status=422, tables_form=data, tables_errors=errors
            )
        flash(request, _("The members have been seated at the tables."))
        return see_other(f"{_base(seat)}/sessions/{session.id}#tables")

    @post("/workspace/sessions/{session_id:int}/notes")
    async def notes(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        session_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_facilitator(seat)
        session = await workspace.session_of(db, seat.panel, session_id)
        _ = translator(request)
        data = await read_form(request)
        notes, errors = work_forms.parse_notes(data, _)
        if errors:
            return await self._session(request, db, seat, session.id, status=422, notes_form=data, notes_errors=errors)
        await workspace.save_notes(db, seat, session, notes, client_address(request))
        flash(request, _("The notes have been saved."))
        return see_other(f"{_base(seat)}/sessions/{session.id}#notes")

    # --- recommendations ---

    @post("/workspace/recommendations")
    async def add_recommendation(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_member(seat)
        _ = translator(request)
        data = await read_form(request)
        form, errors = work_forms.parse_recommendation(data, _)
        if not errors:
            try:
                recommendation = await recs.add_recommendation(db, seat, form)
            except PanelRefused as refused:
                errors.add("title", _refusal(refused, _))
            else:
                flash(request, _("The recommendation has been added."))
                return see_other(f"{_base(seat)}/recommendations/{recommendation.id}")
        return await self._index(request, db, seat, status=422, recommendation_form=data, recommendation_errors=errors)

    async def _recommendation(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        seat: Seat,
        recommendation: PanelRecommendation,
        *,
        status: int = 200,
        **overrides: Any,
    ) -> Template:
        members = await workspace.members_of(db, seat.panel, everyone=True)
        await workspace.record_view(
            db, seat, "recommendation", client_address(request), recommendation_id=recommendation.id
        )
        context: dict[str, Any] = {
            "seat": seat,
            "panel": seat.panel,
            "recommendation": recommendation,
            "comments": await recs.comments_of(db, recommendation),
            "authors": recs.authors_of(members),
            "support": recs.support_of(recommendation),
            "show_support": recs.may_see_support(seat, seat.panel),
            "score_labels": recs.SCORE_LABELS,
            "my_vote": recs.vote_of(recommendation, seat.member),
            "revise_form": {
                "title": recommendation.title,
                "body": recommendation.body,
                "rationale": recommendation.rationale,
            },
            "revise_errors": Errors(),
            "comment_form": {},
            "comment_errors": Errors(),
            "vote_errors": Errors(),
            "statement_form": {},
            "statement_errors": Errors(),
        }
        context.update(overrides)
        return page("panels/workspace/recommendation.html", status=status, **context)

    @get("/workspace/recommendations/{recommendation_id:int}", name="panel_recommendation")
    async def recommendation(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template:
        seat = await self._seat(request, db, slug)
        found = await recs.recommendation_of(db, seat.panel, recommendation_id)
        return await self._recommendation(request, db, seat, found)

    @post("/workspace/recommendations/{recommendation_id:int}/revise")
    async def revise(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_member(seat)
        found = await recs.recommendation_of(db, seat.panel, recommendation_id)
        _ = translator(request)
        data = await read_form(request)
        form, errors = work_forms.parse_recommendation(data, _)
        if not errors:
            try:
                await recs.revise(db, seat, found, form)
            except PanelRefused as refused:
                errors.add(refused.field or "body", _refusal(refused, _))
            else:
                flash(request, _("The new version has been saved."))
                return see_other(f"{_base(seat)}/recommendations/{found.id}")
        return await self._recommendation(request, db, seat, found, status=422, revise_form=data, revise_errors=errors)

    @post("/workspace/recommendations/{recommendation_id:int}/comments")
    async def comment(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        found = await recs.recommendation_of(db, seat.panel, recommendation_id)
        _ = translator(request)
        data = await read_form(request)
        body, errors = work_forms.parse_comment(data, _)
        if not errors:
            try:
                await recs.add_comment(db, seat, found, body)
            except PanelRefused as refused:
                errors.add("comment", _refusal(refused, _))
            else:
                return see_other(f"{_base(seat)}/recommendations/{found.id}#comments")
        return await self._recommendation(
            request, db, seat, found, status=422, comment_form=data, comment_errors=errors
        )

    @post("/workspace/recommendations/{recommendation_id:int}/vote")
    async def vote(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_member(seat)
        found = await recs.recommendation_of(db, seat.panel, recommendation_id)
        _ = translator(request)
        score, errors = work_forms.parse_score(await read_form(request), _)
        if not errors:
            try:
                await recs.vote(db, seat, found, score)
            except PanelRefused as refused:
                errors.add("score", _refusal(refused, _))
        if is_htmx(request):
            # htmx swaps the vote box in place; a 422 is swapped too (base.html's htmx-config).
            context = {
                "seat": seat,
                "panel": seat.panel,
                "recommendation": found,
                "score_labels": recs.SCORE_LABELS,
                "my_vote": recs.vote_of(found, seat.member),
                "vote_errors": errors,
                "just_voted": not errors,
            }
            return Template(
                "panels/workspace/_vote.html", context=context, status_code=422 if errors else 200, headers=VARY
            )
        if errors:
            return await self._recommendation(request, db, seat, found, status=422, vote_errors=errors)
        flash(request, _("Your vote has been saved."))
        return see_other(f"{_base(seat)}/recommendations/{found.id}#vote")

    @post("/workspace/recommendations/{recommendation_id:int}/minority")
    async def minority(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        recommendation_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        seat = await self._seat(request, db, slug)
        workspace.require_member(seat)
        found = await recs.recommendation_of(db, seat.panel, recommendation_id)
        _ = translator(request)
        data = await read_form(request)
        body, errors = work_forms.parse_statement(data, _)
        if not errors:
            try:
                await recs.add_minority_statement(db, seat, found, body)
            except PanelRefused as refused:
                errors.add("statement", _refusal(refused, _))
            else:
                flash(request, _("The minority statement has been attached."))
                return see_other(f"{_base(seat)}/recommendations/{found.id}#minority")
        return await self._recommendation(
            request, db, seat, found, status=422, statement_form=data, statement_errors=errors
        )


def _extension(file_name: str) -> str:
    extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return extension if extension in work_forms.MATERIAL_TYPES else ""


def _tables(session: Any) -> list[tuple[int, list[int]]]:
    found: dict[int, list[int]] = {}
    for seat in session.seats:
        found.setdefault(seat.table_number, []).append(seat.member_id)
    return sorted(found.items())


ROUTES: list[Any] = [WorkspaceController]
