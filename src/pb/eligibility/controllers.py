"""HTTP for eligibility: the resident's census check, and the admin pages for the rules of the vote, the census
and the voting codes with their letters."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role, User
from pb.eligibility import forms
from pb.eligibility import services as eligibility
from pb.eligibility.models import CodeStatus
from pb.eligibility.services import EligibilityRefused
from pb.processes import services as processes
from pb.processes.controllers import get_process_to_manage
from pb.processes.models import (
    BALLOT_FORMAT_LABELS,
    BUDGET_RULE_LABELS,
    VOTING_METHOD_LABELS,
    BudgetRule,
    Process,
    VotingMethod,
)
from pb.voting.services import last_voting_day, voting_has_ended
from pb.web.auth import client_address, requires_login, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, read_form, read_form_lists, translator
from pb.web.responses import flash, page, see_other

# A census of a large city (650,000 residents × ~25 bytes a line) with room to spare.
MAX_CENSUS_BYTES = 32 * 1024 * 1024


def refusal_text(refusal: EligibilityRefused, _: Translate) -> str:
    params = {key: (_(value) if isinstance(value, str) else value) for key, value in refusal.params.items()}
    return _(refusal.message) % params if params else _(refusal.message)


def today(settings_timezone: str) -> date:
    return processes.now().astimezone(ZoneInfo(settings_timezone)).date()


def needs_code(process: Process) -> bool:
    """The census check alone is not accepted, but the census check with the letter's code is."""
    return VotingMethod.CENSUS not in process.voting_methods and VotingMethod.CENSUS_AND_CODE in process.voting_methods


# --- the resident's census check ---------------------------------------------------------------------------


class EligibilityController(Controller):
    path = "/processes/{slug:str}/eligibility"
    guards = [requires_login]
    include_in_schema = False

    async def _render(
        self,
        db: AsyncSession,
        process: Process,
        user: User,
        *,
        status: int = 200,
        form: dict[str, str] | None = None,
        errors: Errors | None = None,
        refusal: str = "",
    ) -> Template:
        return page(
            "eligibility/proof.html",
            status=status,
            process=process,
            proof=await eligibility.proof_of(db, process, user),
            online=bool(eligibility.online_methods(process)),
            needs_code=needs_code(process),
            ended=voting_has_ended(process, processes.now()),
            form=form or {},
            errors=errors or Errors(),
            refusal=refusal,
        )

    @get("/", name="eligibility")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = signed_in(request)
        process = await processes.get_process_for(db, user, slug)
        return await self._render(db, process, user)

    @post("/")
    async def prove(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await processes.get_process_for(db, user, slug)
        _ = translator(request)
        data = await read_form(request)
        form_data = {key: data.get(key, "") for key in ("identifier", "birth_date", "code")}
        # The identifier is personal data: never shown back on the page, even after an error.
        form_data["identifier"] = ""
        if voting_has_ended(process, processes.now()):
            return await self._render(
                db, process, user, status=422, refusal=_("Voting in this round has ended."), form=form_data
            )
        parsed, errors = forms.parse_proof(data, _, needs_code=needs_code(process))
        address = client_address(request)
        account = f"user:{user.id}"
        limit = services.census_limit
        if not errors and await services.throttle.is_blocked(limit, account, address):
            # Identifiers are not secret, but birth dates and codes are guessed by trying: limit the tries.
            minutes = max(1, limit.window_seconds // 60)
            errors.add("identifier", _("Too many attempts. Try again in %(minutes)s minutes.") % {"minutes": minutes})
        if errors:
            return await self._render(db, process, user, status=422, form=form_data, errors=errors)
        assert parsed.birth_date is not None
        try:
            await eligibility.prove_eligibility(
                db,
                services.voting_keys,
                process,
                user,
                parsed.identifier,
                parsed.birth_date,
                parsed.code or None,
            )
        except EligibilityRefused as refused:
            await services.throttle.record(limit, account, address)
            # A refusal at commit time rolled the session back, which expired the loaded process.
            process = await processes.get_process_for(db, user, slug)
            message = refusal_text(refused, _)
            if refused.field in ("identifier", "birth_date", "code"):
                errors.add(refused.field, message)
                return await self._render(db, process, user, status=422, form=form_data, errors=errors)
            return await self._render(db, process, user, status=422, form=form_data, refusal=message)
        await services.throttle.clear_account(limit, account, address)
        flash(request, _("Your voting right has been checked. You can now vote."))
        return see_other(f"/processes/{process.slug}/eligibility")


# --- admin pages -------------------------------------------------------------------------------------------


class EligibilityAdminController(Controller):
    path = "/admin/processes/{process_id:int}"
    guards = [requires_role(Role.ADMIN)]
    include_in_schema = False
    opt = {"staff": True}

    # --- the rules of the vote ---

    async def _voting_page(
        self,
        db: AsyncSession,
        process: Process,
        *,
        status: int = 200,
        form: dict[str, list[str]] | None = None,
        errors: Errors | None = None,
    ) -> Template:
        return page(
            "eligibility/admin_voting.html",
            status=status,
            process=process,
            form=form if form is not None else _voting_form(process),
            errors=errors or Errors(),
            locked=await eligibility.settings_locked(db, process, processes.now()),
            budget_rules=[(rule, BUDGET_RULE_LABELS[rule]) for rule in BudgetRule],
            voting_methods=[(method, VOTING_METHOD_LABELS[method]) for method in VotingMethod],
            ballot_formats=list(BALLOT_FORMAT_LABELS.items()),
            districts={district.id: district for district in await processes.all_districts(db)},
        )

    @get("/voting", name="admin_voting")
    async def voting(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await get_process_to_manage(db, signed_in(request), process_id)
        return await self._voting_page(db, process)

    @post("/voting")
    async def save_voting(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        form = await read_form_lists(request)
        settings, errors = forms.parse_voting_settings(form, _, process.budgets)
        if errors:
            return await self._voting_page(db, process, status=422, form=form, errors=errors)
        try:
            await eligibility.save_voting_settings(
                db, actor, process, settings, client_address(request), processes.now()
            )
        except EligibilityRefused as refused:
            flash(request, refusal_text(refused, _), "error")
            return see_other(f"/admin/processes/{process.id}/voting")
        flash(request, _("The rules of the vote have been saved."))
        return see_other(f"/admin/processes/{process.id}/voting")

    # --- the census ---

    async def _census_page(
        self,
        db: AsyncSession,
        process: Process,
        timezone: str,
        *,
        status: int = 200,
        census: forms.CensusFile | None = None,
        errors: Errors | None = None,
    ) -> Template:
        districts = {district.id: district for district in await processes.all_districts(db)}
        return page(
            "eligibility/admin_census.html",
            status=status,
            process=process,
            districts=districts,
            process_districts=[districts[item.district_id] for item in process.districts],
            latest=await eligibility.latest_census_import(db, process),
            counts=await eligibility.census_counts(db, process, today(timezone)),
            columns=eligibility.census_columns(process),
            under_age=eligibility.UNDER_AGE,
            no_band=eligibility.NO_BAND,
            last_day=last_voting_day(process),
            census=census,
            shown_line_errors=forms.SHOWN_LINE_ERRORS,
            errors=errors or Errors(),
        )

    @get("/census", name="admin_census")
    async def census(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template:
        process = await get_process_to_manage(db, signed_in(request), process_id)
        return await self._census_page(db, process, services.settings.timezone)

    @post("/census", request_max_body_size=MAX_CENSUS_BYTES)
    async def import_census(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Redirect:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        upload = (await request.form()).get("census_file")
        raw = b""
        if isinstance(upload, UploadFile):
            try:
                raw = await upload.read()
            finally:
                await upload.close()
        if not raw:
            errors = Errors()
            errors.add("census_file", _("Choose the CSV file to import."))
            return await self._census_page(db, process, services.settings.timezone, status=422, errors=errors)
        by_code = {district.code: district.id for district in await processes.all_districts(db)}
        taking_part = {item.district_id for item in process.districts}
        codes = {code: district_id for code, district_id in by_code.items() if district_id in taking_part}
        # Parsing and hashing a large file is CPU work: a worker thread keeps the event loop answering.
        census = await anyio.to_thread.run_sync(forms.parse_census, raw, codes, today(services.settings.timezone), _)
        if not census.is_valid:
            errors = Errors()
            errors.add("census_file", _("Nothing was imported. Correct the file and import it again."))
            return await self._census_page(
                db, process, services.settings.timezone, status=422, census=census, errors=errors
            )
        imported = await eligibility.replace_census(
            db, services.voting_keys, actor, process, census, client_address(request)
        )
        flash(request, _("The census has been imported: %(num)s residents.") % {"num": imported.rows})
        return see_other(f"/admin/processes/{process.id}/census")

    # --- voting codes ---

    async def _codes_page(
        self,
        db: AsyncSession,
        process: Process,
        *,
        status: int = 200,
        form: dict[str, str] | None = None,
        errors: Errors | None = None,
        lost_form: dict[str, str] | None = None,
        lost_errors: Errors | None = None,
    ) -> Template:
        districts = {district.id: district for district in await processes.all_districts(db)}
        return page(
            "eligibility/admin_codes.html",
            status=status,
            process=process,
            districts=districts,
            process_districts=[districts[item.district_id] for item in process.districts],
            batches=await eligibility.batch_counts(db, process),
            statuses=[str(status) for status in CodeStatus],
            uses_codes=eligibility.accepts(process, VotingMethod.CODE, VotingMethod.CENSUS_AND_CODE),
            max_letters=forms.MAX_LETTERS_PER_BATCH,
            form=form or {},
            errors=errors or Errors(),
            lost_form=lost_form or {},
            lost_errors=lost_errors or Errors(),
        )

    @get("/codes", name="admin_codes")
    async def codes(
        self, request: Request[Any, Any, Any], process_id: FromPath[int], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await get_process_to_manage(db, signed_in(request), process_id)
        return await self._codes_page(db, process)

    @post("/codes")
    async def generate_codes(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Response[bytes]:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        order = [item.district_id for item in process.districts]
        counts, errors = forms.parse_code_counts(data, _, order)
        if errors:
            return await self._codes_page(db, process, status=422, form=data, errors=errors)
        districts = {district.id: district for district in await processes.all_districts(db)}
        planned = eligibility.plan_batch(await eligibility.next_batch(db, process), counts, order)
        # The letters are made first: if that fails, no code is stored, so there is no code nobody can print.
        pdf = await eligibility.letters_pdf(
            services.settings,
            eligibility.letters_context(
                process, planned, districts, services.settings.base_url, today(services.settings.timezone)
            ),
        )
        try:
            await eligibility.store_batch(db, services.voting_keys, actor, process, planned, client_address(request))
        except EligibilityRefused as refused:
            errors.add("counts", refusal_text(refused, _))
            return await self._codes_page(db, process, status=409, form=data, errors=errors)
        return letters_download(pdf, f"{process.slug}-voting-codes-batch-{planned[0].batch}.pdf")

    @post("/codes/lost")
    async def mark_lost(
        self,
        request: Request[Any, Any, Any],
        process_id: FromPath[int],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
    ) -> Template | Response[bytes]:
        actor = signed_in(request)
        process = await get_process_to_manage(db, actor, process_id)
        _ = translator(request)
        data = await read_form(request)
        (batch, serial), errors = forms.parse_lost(data, _)
        if errors:
            return await self._codes_page(db, process, status=422, lost_form=data, lost_errors=errors)
        try:
            lost, replacement = await eligibility.plan_replacement(db, process, batch, serial)
            districts = {district.id: district for district in await processes.all_districts(db)}
            pdf = await eligibility.letters_pdf(
                services.settings,
                eligibility.letters_context(
                    process, [replacement], districts, services.settings.base_url, today(services.settings.timezone)
                ),
            )
            await eligibility.store_replacement(
                db, services.voting_keys, actor, process, lost, replacement, client_address(request)
            )
        except EligibilityRefused as refused:
            errors.add(refused.field or "serial", refusal_text(refused, _))
            return await self._codes_page(db, process, status=422, lost_form=data, lost_errors=errors)
        return letters_download(
            pdf, f"{process.slug}-voting-code-batch-{batch}-letter-{replacement.serial}-replaces-{serial}.pdf"
        )


def letters_download(pdf: bytes, filename: str) -> Response[bytes]:
    return Response(
        content=pdf,
        media_type="application/pdf",
        status_code=200,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # The letters carry usable codes: no browser or proxy may keep a copy.
            "Cache-Control": "no-store",
        },
    )


def _voting_form(process: Process) -> dict[str, list[str]]:
    form: dict[str, list[str]] = {
        "minimum_age": [str(process.minimum_age)],
        "budget_rule": [str(process.budget_rule)],
        "voting_methods": [str(method) for method in process.voting_methods],
    }
    for budget in process.budgets:
        form[forms.budget_field("ballot_format", budget.id)] = [str(budget.ballot_format)]
        for limit in forms.LIMIT_FIELDS:
            value = getattr(budget, limit)
            shown = "" if value is None or (limit == "min_spend_percent" and value == 0) else str(value)
            form[forms.budget_field(limit, budget.id)] = [shown]
    return form


ROUTES: list[Any] = [EligibilityController, EligibilityAdminController]
