"""HTTP for paper ballots: the paper voter register, batches typed twice, and the reconciliation report."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.controllers import signed_in
from pb.accounts.models import Role, User
from pb.eligibility.services import EligibilityRefused
from pb.paper import forms
from pb.paper import services as paper
from pb.paper.models import BatchStatus
from pb.paper.services import PaperRefused
from pb.processes.models import BALLOT_FORMAT_LABELS, BallotFormat, Process
from pb.processes.services import now
from pb.voting import rules
from pb.voting.services import projects_of
from pb.web.auth import client_address, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, language_of, read_form, read_form_lists, translator
from pb.web.responses import flash, page, see_other

VOTING_STAFF = requires_role(Role.VOTING_ASSISTANT, Role.ADMIN)


def refusal_text(refused: PaperRefused | EligibilityRefused, _: Translate) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


def problem_text(problem: rules.Problem, _: Translate, language: str) -> str:
    params = dict(problem.params)
    if "amount" in params:
        params["amount"] = i18n.format_euros(int(params["amount"]), language)
    return _(problem.message) % params if params else _(problem.message)


def base_url(process: Process) -> str:
    return f"/paper/{process.slug}"


def batch_url(process: Process, batch_id: int) -> str:
    return f"/paper/{process.slug}/batches/{batch_id}"


def round_url(process: Process, batch_id: int, round_number: int) -> str:
    return f"{batch_url(process, batch_id)}/rounds/{round_number}"


async def names_of(db: AsyncSession, user_ids: set[int | None]) -> dict[int, str]:
    ids = [user_id for user_id in user_ids if user_id is not None]
    if not ids:
        return {}
    return {user.id: user.display_name for user in await db.scalars(select(User).where(User.id.in_(ids)))}


class PaperController(Controller):
    path = "/paper"
    guards = [VOTING_STAFF]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="paper")
    async def index(self, db: NamedDependency[AsyncSession]) -> Template:
        return page("paper/index.html", processes=await paper.paper_processes(db, now()))

    # --- the register --------------------------------------------------------------------------------

    async def _render_register(
        self,
        db: AsyncSession,
        process: Process,
        *,
        status: int = 200,
        errors: Errors | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        form = form or {}
        return page(
            "paper/register.html",
            status=status,
            process=process,
            started=paper.voting_has_started(process, now()),
            counts=await paper.register_counts(db, process),
            errors=errors or Errors(),
            # The identifier is not shown back; the budget, sheet number and birth date are.
            form={key: form.get(key, "") for key in ("budget", "sheet", "birth_date")},
        )

    @get("/{slug:str}/register")
    async def register_form(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await paper.get_process_for_paper(db, signed_in(request), slug)
        return await self._render_register(db, process)

    @post("/{slug:str}/register")
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        staff = signed_in(request)
        process = await paper.get_process_for_paper(db, staff, slug)
        _ = translator(request)
        data = await read_form(request)
        registration, errors = forms.parse_registration(data, process, _)
        address = client_address(request)
        limit = services.census_limit
        if registration is not None:
            identifier = registration.person.identifier
            if await services.throttle.is_blocked(limit, identifier, address):
                # As for assisted voting: failed census checks are limited per identifier and per device.
                errors.add(
                    "identifier",
                    _("Too many checks that found nobody. Wait %(minutes)s minutes and try again.")
                    % {"minutes": max(1, limit.window_seconds // 60)},
                )
        if registration is None or errors:
            return await self._render_register(db, process, status=422, errors=errors, form=data)
        try:
            await paper.register_paper_voter(
                db,
                services.voting_keys,
                process,
                registration.budget,
                staff,
                registration.person,
                registration.sheet,
                now(),
                address,
            )
        except (PaperRefused, EligibilityRefused) as refused:
            if isinstance(refused, EligibilityRefused) and refused.field == "identifier":
                await services.throttle.record(limit, registration.person.identifier, address)
            errors.add(refused.field or "identifier", refusal_text(refused, _))
            return await self._render_register(db, process, status=422, errors=errors, form=data)
        await services.throttle.clear_account(limit, registration.person.identifier, address)
        flash(
            request,
            _("Registered: hand over sheet %(sheet)s of the budget %(budget)s.")
            % {"sheet": registration.sheet, "budget": registration.budget.text("name", language_of(request))},
        )
        return see_other(f"{base_url(process)}/register")

    # --- batches -------------------------------------------------------------------------------------

    async def _render_batches(
        self,
        db: AsyncSession,
        process: Process,
        *,
        status: int = 200,
        errors: Errors | None = None,
        form: dict[str, str] | None = None,
    ) -> Template:
        views = await paper.batches_of(db, process)
        entrants = {entry.entered_by_id for view in views for entry in view.entries.values()}
        return page(
            "paper/batches.html",
            status=status,
            process=process,
            views=views,
            names=await names_of(db, entrants),
            started=paper.voting_has_started(process, now()),
            status_labels=paper.BATCH_STATUS_LABELS,
            errors=errors or Errors(),
            form=form or {},
        )

    @get("/{slug:str}/batches")
    async def batches(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await paper.get_process_for_paper(db, signed_in(request), slug)
        return await self._render_batches(db, process)

    @post("/{slug:str}/batches")
    async def create_batch(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        staff = signed_in(request)
        process = await paper.get_process_for_paper(db, staff, slug)
        _ = translator(request)
        data = await read_form(request)
        new, errors = forms.parse_batch(data, process, _)
        if new is not None:
            try:
                batch = await paper.create_batch(
                    db, process, new.budget, staff, new.label, new.note, client_address(request)
                )
            except PaperRefused as refused:
                errors.add(refused.field or "label", refusal_text(refused, _))
            else:
                flash(request, _("The batch %(label)s has been created.") % {"label": batch.label})
                return see_other(batch_url(process, batch.id))
        return await self._render_batches(db, process, status=422, errors=errors, form=data)

    async def _render_batch(
        self,
        db: AsyncSession,
        process: Process,
        view: paper.BatchView,
        user: User,
        *,
        status: int = 200,
        error: str = "",
    ) -> Template:
        differences: list[paper.Difference] = []
        if view.batch.status == BatchStatus.DIFFERENT and all(n in view.entries for n in paper.ROUNDS):
            differences = paper.differences(view.entries[1].sheets, view.entries[2].sheets)
        entrants = {entry.entered_by_id for entry in view.entries.values()}
        return page(
            "paper/batch.html",
            status=status,
            process=process,
            view=view,
            user=user,
            names=await names_of(db, entrants | {view.batch.created_by_id}),
            differences=differences,
            titles=await paper.project_titles(db, [view.budget]),
            describe=paper.describe,
            status_labels=paper.BATCH_STATUS_LABELS,
            error=error,
        )

    @get("/{slug:str}/batches/{batch_id:int}")
    async def batch(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        return await self._render_batch(db, process, view, user)

    @post("/{slug:str}/batches/{batch_id:int}/compare")
    async def compare(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        _ = translator(request)
        try:
            found = await paper.compare_batch(
                db, services.voting_keys, process, view, user, now(), client_address(request)
            )
        except PaperRefused as refused:
            return await self._render_batch(db, process, view, user, status=422, error=refusal_text(refused, _))
        flash(request, self._comparison_message(found, _), "success" if not found else "error")
        return see_other(batch_url(process, view.batch.id))

    @staticmethod
    def _comparison_message(found: list[paper.Difference], _: Translate) -> str:
        if found:
            return _("The two entries differ on %(num)s sheets. Check those sheets on paper and correct the entry.") % {
                "num": len(found)
            }
        return _("The two entries match. The batch is accepted and its ballots are counted.")

    # --- one round of a batch ------------------------------------------------------------------------

    @post("/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}/start")
    async def start_round(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        round_number: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        try:
            await paper.start_round(db, view, round_number, user, client_address(request))
        except PaperRefused as refused:
            error = refusal_text(refused, translator(request))
            return await self._render_batch(db, process, view, user, status=422, error=error)
        return see_other(round_url(process, view.batch.id, round_number))

    async def _render_round(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        process: Process,
        view: paper.BatchView,
        round_number: int,
        user: User,
        *,
        status: int = 200,
        errors: Errors | None = None,
        form: dict[str, str] | None = None,
        checked: list[str] | None = None,
    ) -> Template:
        entry = paper.own_entry(view, round_number, user)
        differences: list[paper.Difference] = []
        if view.batch.status == BatchStatus.DIFFERENT and all(n in view.entries for n in paper.ROUNDS):
            differences = paper.differences(view.entries[1].sheets, view.entries[2].sheets)
        sheets = sorted(entry.sheets.items(), key=lambda item: paper.sheet_sort_key(item[0]))
        return page(
            "paper/round.html",
            status=status,
            process=process,
            view=view,
            entry=entry,
            editable=paper.can_edit(view, entry),
            sheets=sheets,
            projects=await projects_of(db, view.budget),
            titles=await paper.project_titles(db, [view.budget]),
            describe=paper.describe,
            differences=differences,
            format_label=BALLOT_FORMAT_LABELS[BallotFormat(view.budget.ballot_format)],
            errors=errors or Errors(),
            form=form or {},
            checked=set(checked or []),
        )

    @get("/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}")
    async def round_page(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        round_number: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        return await self._render_round(request, db, process, view, round_number, user)

    @post("/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}/sheets")
    async def add_sheet(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        round_number: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        entry = paper.own_entry(view, round_number, user)
        _ = translator(request)
        data, lists = await read_form(request), await read_form_lists(request)
        sheet, errors = forms.parse_sheet(data, lists, view.budget, await projects_of(db, view.budget), _)
        if sheet is not None:
            try:
                result = await paper.add_sheet(db, view, entry, sheet.number, sheet.choices, sheet.spoilt, now())
            except PaperRefused as refused:
                errors.add(refused.field or "sheet", refusal_text(refused, _))
            else:
                if result.value == paper.SPOILT and result.problems:
                    language = language_of(request)
                    why = " ".join(problem_text(problem, _, language) for problem in result.problems)
                    message = _("Sheet %(sheet)s breaks the rules of the ballot, so it was entered as spoilt: %(why)s")
                    flash(request, message % {"sheet": sheet.number, "why": why}, "error")
                elif result.value == paper.SPOILT:
                    flash(request, _("Sheet %(sheet)s was entered as spoilt.") % {"sheet": sheet.number})
                else:
                    flash(request, _("Sheet %(sheet)s was entered.") % {"sheet": sheet.number})
                return see_other(round_url(process, view.batch.id, round_number) + "#sheet")
        checked = lists.get("project", [])
        return await self._render_round(
            request, db, process, view, round_number, user, status=422, errors=errors, form=data, checked=checked
        )

    @post("/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}/sheets/remove")
    async def remove_sheet(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        round_number: FromPath[int],
        db: NamedDependency[AsyncSession],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        entry = paper.own_entry(view, round_number, user)
        _ = translator(request)
        number = paper.normalise_sheet_number((await read_form(request)).get("sheet", ""))
        try:
            await paper.remove_sheet(db, view, entry, number, now())
        except PaperRefused as refused:
            errors = Errors()
            errors.add("sheet", refusal_text(refused, _))
            return await self._render_round(request, db, process, view, round_number, user, status=422, errors=errors)
        flash(request, _("Sheet %(sheet)s was removed from this entry.") % {"sheet": number})
        return see_other(round_url(process, view.batch.id, round_number))

    @post("/{slug:str}/batches/{batch_id:int}/rounds/{round_number:int}/complete")
    async def complete(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        batch_id: FromPath[int],
        round_number: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        view = await paper.get_batch(db, process, batch_id)
        entry = paper.own_entry(view, round_number, user)
        _ = translator(request)
        try:
            found = await paper.complete_entry(
                db, services.voting_keys, process, view, entry, user, now(), client_address(request)
            )
        except PaperRefused as refused:
            errors = Errors()
            errors.add("sheet", refusal_text(refused, _))
            return await self._render_round(request, db, process, view, round_number, user, status=422, errors=errors)
        if found is None:
            flash(request, _("Your entry is complete. The batch is compared when the other round is complete too."))
        else:
            flash(request, self._comparison_message(found, _), "success" if not found else "error")
        return see_other(batch_url(process, view.batch.id))

    # --- reconciliation ------------------------------------------------------------------------------

    @get("/{slug:str}/reconciliation")
    async def reconciliation(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template:
        process = await paper.get_process_for_paper(db, signed_in(request), slug)
        report = await paper.reconciliation_report(db, services.voting_keys, process)
        return page("paper/reconciliation.html", process=process, report=report, reasons=paper.SET_ASIDE_LABELS)

    @post("/{slug:str}/reconciliation")
    async def reconcile(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Redirect:
        user = signed_in(request)
        process = await paper.get_process_for_paper(db, user, slug)
        report = await paper.reconcile(db, services.voting_keys, process, actor=user, address=client_address(request))
        _ = translator(request)
        flash(request, _("Reconciled. Paper ballots set aside: %(num)s.") % {"num": len(report.cases)})
        return see_other(f"{base_url(process)}/reconciliation")


ROUTES: list[Any] = [PaperController]
