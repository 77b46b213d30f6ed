"""HTTP for results: the admin's count, review and publication; the public results pages and downloads; the
implementation of funded projects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.districts.models import District
from pb.i18n import N_
from pb.participation.statistics import SMALL_COUNT, Statistics
from pb.processes.models import BallotFormat, Budget, Process, Project
from pb.processes.services import all_districts, now
from pb.reports.charts import BarChart, bar_chart
from pb.results import forms
from pb.results import services as results
from pb.results.figures import StabilityView, Turnout, stability_view, turnout_view
from pb.results.models import (
    IMPLEMENTATION_STATUS_LABELS,
    RECORD_STATUS_LABELS,
    Implementation,
    ImplementationNote,
    ImplementationStatus,
    JobStatus,
    ResultRecord,
    StabilityRun,
)
from pb.results.services import RULE_LABELS, ResultRefused
from pb.review.forms import euros_text
from pb.voting import services as voting
from pb.web.auth import client_address, current_user_or_none, requires_role
from pb.web.deps import Services
from pb.web.forms import Errors, Translate, language_of, read_form, translator
from pb.web.responses import flash, page, see_other

ADMIN_ONLY = requires_role(Role.ADMIN)
# The engine's tie criteria (pb.counting.ties.criterion), shown translated on the pages.
TIE_CRITERIA = {
    "lower cost": N_("lower cost"),
    "more votes": N_("more votes"),
    "lot": N_("the lot drawn in advance"),
}
_DOWNLOAD = re.compile(r"^(\d{1,18})\.(pb|json)$")


@dataclass(frozen=True)
class ProjectLine:
    """One project of a budget's result, as the pages show it."""

    project: Project
    voters: int
    points: int
    selected: bool
    # 1-based position in the order the rule selected the funded projects; 0 when not funded.
    position: int
    implementation: Implementation | None
    notes: tuple[ImplementationNote, ...]


@dataclass(frozen=True)
class Change:
    rule: str
    label: str
    added: tuple[Project, ...]
    removed: tuple[Project, ...]
    error: str = ""


@dataclass(frozen=True)
class BudgetResult:
    """Everything the shared partial templates/results/_budget.html needs to show one record."""

    budget: Budget
    record: ResultRecord
    lines: tuple[ProjectLine, ...]
    by_id: dict[str, Project]
    uses_points: bool
    chart: BarChart
    changes: tuple[Change, ...]
    history: tuple[ResultRecord, ...]
    computed_by: str
    published_by: str
    file_name: str
    turnout: Turnout | None
    # The finished bootstrap view, and the run in whatever state it is (the staff page shows "running"/"failed").
    stability: StabilityView | None
    stability_run: StabilityRun | None


def sessions_of(request: Request[Any, Any, Any]) -> async_sessionmaker[AsyncSession]:
    """Sessions for work that continues after the response (background tasks), not tied to the request's."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.db.sessionmaker
    return sessions


def stability_task(request: Request[Any, Any, Any], run: StabilityRun) -> BackgroundTask:
    return BackgroundTask(results.run_stability, sessions_of(request), run.id)


def stability_message(_: Translate, run: StabilityRun, started: bool) -> str:
    if started:
        return _("The stability analysis has started. Reload this page in a moment to see it.")
    if run.status == JobStatus.DONE:
        return _("The stability analysis is already stored; it was not computed again.")
    return _("The stability analysis is already being computed. Reload this page in a moment to see it.")


def _problem(_: Translate, refused: ResultRefused) -> str:
    return _(refused.message) % refused.params if refused.params else _(refused.message)


async def budget_result(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    process: Process,
    budget: Budget,
    record: ResultRecord,
    *,
    public: bool,
    turnout: Statistics | None = None,
    districts: dict[int, District] | None = None,
) -> BudgetResult:
    """`turnout`: the budget's participation figures (results.turnout_by_budget), read once for the whole page."""
    language = language_of(request)
    _ = translator(request)
    projects = await voting.projects_of(db, budget)
    by_id = {str(project.id): project for project in projects}
    voters, points = results.tallies(record)
    funded = {project_id: position for position, project_id in enumerate(record.selected, 1)}
    implementations = await results.implementations_of(db, funded)
    notes = await results.notes_of(db, funded)
    uses_points = budget.ballot_format in (BallotFormat.CUMULATIVE, BallotFormat.RANKED)
    measure = points if uses_points else voters
    ordered = sorted(projects, key=lambda project: (project.id not in funded, -measure.get(project.id, 0), project.id))
    lines = tuple(
        ProjectLine(
            project,
            voters.get(project.id, 0),
            points.get(project.id, 0),
            project.id in funded,
            funded.get(project.id, 0),
            implementations.get(project.id),
            tuple(notes.get(project.id, ())),
        )
        for project in ordered
    )
    value_heading = _("Points") if uses_points else _("Votes")
    chart = bar_chart(
        f"votes-{budget.id}",
        _("%(measure)s per project: %(budget)s") % {"measure": value_heading, "budget": budget.text("name", language)},
        [(line.project.title, measure.get(line.project.id, 0)) for line in lines],
        language=language,
        label_heading=_("Project"),
        value_heading=value_heading,
    )
    chosen = set(record.selected)
    changes = []
    for rule, other in record.comparison.items():
        label = _(RULE_LABELS.get(rule, rule))
        if isinstance(other, str):
            changes.append(Change(rule, label, (), (), error=other))
            continue
        picked = {int(project_id) for project_id in other}
        changes.append(
            Change(
                rule,
                label,
                tuple(by_id[str(i)] for i in sorted(picked - chosen) if str(i) in by_id),
                tuple(by_id[str(i)] for i in sorted(chosen - picked) if str(i) in by_id),
            )
        )
    history = [item for item in await results.records_of(db, budget) if item.is_published or not public]
    names = await results.user_names(db, [record.computed_by_id, record.published_by_id])
    summary = await results.stability_for(db, record.id)
    if districts is None:
        districts = {district.id: district for district in await all_districts(db)}
    return BudgetResult(
        budget=budget,
        record=record,
        lines=lines,
        by_id=by_id,
        uses_points=uses_points,
        chart=chart,
        changes=tuple(changes),
        history=tuple(history),
        computed_by=names.get(record.computed_by_id or 0, ""),
        published_by=names.get(record.published_by_id or 0, ""),
        file_name=results.file_name(process, budget),
        turnout=(
            turnout_view(f"turnout-{budget.id}", turnout, districts, language=language, _=_)
            if turnout is not None
            else None
        ),
        stability=(
            stability_view(f"stability-{budget.id}", summary, language=language, _=_) if summary is not None else None
        ),
        stability_run=await results.stability_run_of(db, record),
    )


def _labels() -> dict[str, Any]:
    return {
        "rule_labels": RULE_LABELS,
        "status_labels": IMPLEMENTATION_STATUS_LABELS,
        "record_status_labels": RECORD_STATUS_LABELS,
        "tie_criteria": TIE_CRITERIA,
        "small_count": SMALL_COUNT,
    }


class ResultsAdminController(Controller):
    path = "/results/{slug:str}"
    guards = [ADMIN_ONLY]
    include_in_schema = False
    opt = {"staff": True}

    async def _admin_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        process: Process,
        *,
        errors: Errors | None = None,
        failed_budget: int | None = None,
        form: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        budgets = []
        for budget in process.budgets:
            budgets.append(
                {
                    "budget": budget,
                    "records": await results.records_of(db, budget),
                    "current": await results.published_record(db, budget),
                    "ballots": len(await voting.counted_ballots(db, budget)),
                }
            )
        return page(
            "results/admin.html",
            status=status,
            process=process,
            budgets=budgets,
            voting_ended=voting.voting_has_ended(process, now()),
            all_published=await results.results_published(db, process),
            errors=errors or Errors(),
            failed_budget=failed_budget,
            form=form or {"rule": results.DEFAULT_RULE},
            default_rule=results.DEFAULT_RULE,
            **_labels(),
        )

    @get("/", name="results_admin")
    async def overview(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template:
        process = await results.get_process_for_results_staff(db, signed_in(request), slug)
        return await self._admin_page(request, db, process)

    @post("/budgets/{budget_id:int}/compute")
    async def compute(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        services: NamedDependency[Services],
        slug: FromPath[str],
        budget_id: FromPath[int],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await results.get_process_for_results_staff(db, user, slug)
        budget = results.get_budget_of(process, budget_id)
        _ = translator(request)
        data = await read_form(request)
        choice, errors = forms.parse_count(data, _)
        if not errors:
            try:
                record = await results.compute_result(
                    db,
                    process,
                    budget,
                    rule=choice.rule,
                    threshold=choice.threshold,
                    actor=user,
                    now=now(),
                    unit=services.settings.municipality_name,
                    address=client_address(request),
                )
            except ResultRefused as refused:
                errors.add("rule", _problem(_, refused))
            else:
                # The stability analysis follows every count automatically, in a worker process after this response.
                run, start = await results.request_stability(
                    db, record=record, actor=user, now=now(), address=client_address(request)
                )
                flash(request, _("The result was counted. Review it before publishing."))
                return Redirect(
                    f"/results/{process.slug}/records/{record.id}",
                    status_code=303,
                    background=stability_task(request, run) if start else None,
                )
        return await self._admin_page(
            request, db, process, errors=errors, failed_budget=budget.id, form=data, status=422
        )

    @get("/records/{record_id:int}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        record_id: FromPath[int],
    ) -> Template:
        process = await results.get_process_for_results_staff(db, signed_in(request), slug)
        record = await results.get_record_of(db, process, record_id)
        budget = results.get_budget_of(process, record.budget_id)
        turnout = (await results.turnout_by_budget(db, process))[budget.id]
        return page(
            "results/record.html",
            process=process,
            result=await budget_result(request, db, process, budget, record, public=False, turnout=turnout),
            errors=Errors(),
            **_labels(),
        )

    @post("/records/{record_id:int}/stability")
    async def stability(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        record_id: FromPath[int],
    ) -> Redirect:
        """Asks for the record's stability analysis: starts it if there is none (or it failed or was lost),
        otherwise reuses the stored run."""
        user = signed_in(request)
        process = await results.get_process_for_results_staff(db, user, slug)
        record = await results.get_record_of(db, process, record_id)
        _ = translator(request)
        run, start = await results.request_stability(
            db, record=record, actor=user, now=now(), address=client_address(request)
        )
        flash(request, stability_message(_, run, start))
        return Redirect(
            f"/results/{process.slug}/records/{record.id}",
            status_code=303,
            background=stability_task(request, run) if start else None,
        )

    @post("/records/{record_id:int}/publish")
    async def publish(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        record_id: FromPath[int],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await results.get_process_for_results_staff(db, user, slug)
        record = await results.get_record_of(db, process, record_id)
        _ = translator(request)
        try:
            await results.publish(db, process, record, user, now(), client_address(request))
        except ResultRefused as refused:
            errors = Errors()
            errors.add("publish", _problem(_, refused))
            budget = results.get_budget_of(process, record.budget_id)
            return page(
                "results/record.html",
                status=422,
                process=process,
                result=await budget_result(request, db, process, budget, record, public=False),
                errors=errors,
                **_labels(),
            )
        flash(request, _("The result is published."))
        return see_other(f"/results/{process.slug}")

    # --- implementation ------------------------------------------------------------------------------------

    async def _project_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        process: Process,
        project: Project,
        *,
        errors: Errors | None = None,
        note_errors: Errors | None = None,
        form: dict[str, str] | None = None,
        note_form: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        _ = translator(request)
        item = (await results.implementations_of(db, [project.id])).get(project.id)
        if form is None:
            form = {
                "status": item.status if item else ImplementationStatus.PLANNED,
                "cancel_reason": item.cancel_reason if item else "",
                "actual_cost": euros_text(item.actual_cost_cents) if item else "",
            }
        return page(
            "results/implementation.html",
            status=status,
            process=process,
            project=project,
            budget=results.get_budget_of(process, project.budget_id),
            implementation=item,
            notes=(await results.notes_of(db, [project.id]))[project.id],
            errors=errors or Errors(),
            note_errors=note_errors or Errors(),
            form=form,
            note_form=note_form or {"day": now().astimezone(results.HELSINKI).date().isoformat(), "text": ""},
            status_options=[(status.value, _(label)) for status, label in IMPLEMENTATION_STATUS_LABELS.items()],
            **_labels(),
        )

    @get("/projects/{project_id:int}")
    async def project(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        project_id: FromPath[int],
    ) -> Template:
        process = await results.get_process_for_results_staff(db, signed_in(request), slug)
        project = await results.get_funded_project(db, process, project_id)
        return await self._project_page(request, db, process, project)

    @post("/projects/{project_id:int}")
    async def set_status(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        project_id: FromPath[int],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await results.get_process_for_results_staff(db, user, slug)
        project = await results.get_funded_project(db, process, project_id)
        _ = translator(request)
        data = await read_form(request)
        details, errors = forms.parse_implementation(data, _)
        if not errors:
            try:
                await results.set_implementation(
                    db,
                    project,
                    status=details.status,
                    cancel_reason=details.cancel_reason,
                    actual_cost_cents=details.actual_cost_cents,
                    actor=user,
                    now=now(),
                    address=client_address(request),
                )
            except ResultRefused as refused:
                errors.add("cancel_reason", _problem(_, refused))
            else:
                flash(request, _("The project's status is saved."))
                return see_other(f"/results/{process.slug}/projects/{project.id}")
        return await self._project_page(request, db, process, project, errors=errors, form=data, status=422)

    @post("/projects/{project_id:int}/notes")
    async def add_note(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        project_id: FromPath[int],
    ) -> Template | Redirect:
        user = signed_in(request)
        process = await results.get_process_for_results_staff(db, user, slug)
        project = await results.get_funded_project(db, process, project_id)
        _ = translator(request)
        data = await read_form(request)
        today = now().astimezone(results.HELSINKI).date()
        details, errors = forms.parse_note(data, today, _)
        if errors:
            return await self._project_page(
                request, db, process, project, note_errors=errors, note_form=data, status=422
            )
        await results.add_note(
            db, project, day=details.day, text=details.text, actor=user, address=client_address(request)
        )
        flash(request, _("The progress note is added."))
        return see_other(f"/results/{process.slug}/projects/{project.id}")


class PublicResultsController(Controller):
    path = "/processes/{slug:str}/results"
    include_in_schema = False

    @get("/", name="results")
    async def show(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], slug: FromPath[str]
    ) -> Template:
        process = await results.get_process_with_results(db, current_user_or_none(request), slug)
        published = await results.published_records(db, process)
        turnout = await results.turnout_by_budget(db, process)
        districts = {district.id: district for district in await all_districts(db)}
        shown = [
            await budget_result(
                request,
                db,
                process,
                budget,
                published[budget.id],
                public=True,
                turnout=turnout[budget.id],
                districts=districts,
            )
            for budget in process.budgets
            if budget.id in published
        ]
        return page(
            "results/public.html",
            process=process,
            results=shown,
            all_published=len(shown) == len(process.budgets),
            **_labels(),
        )

    @get("/{file_name:str}")
    async def download(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        file_name: FromPath[str],
    ) -> Response[str]:
        """`<budget id>.pb`: the anonymised ballots; `<budget id>.json`: the result record. `?record=<id>` gives
        an earlier published record of the budget (the page's history links to them)."""
        match = _DOWNLOAD.match(file_name)
        if match is None:
            raise NotFoundException()
        process = await results.get_process_with_results(db, current_user_or_none(request), slug)
        budget = results.get_budget_of(process, int(match.group(1)))
        record = await self._record(db, process, budget, request.query_params.get("record"))
        disposition = f'attachment; filename="{results.file_name(process, budget).removesuffix(".pb")}'
        if match.group(2) == "pb":
            return Response(
                record.ballots_file,
                media_type="text/plain; charset=utf-8",
                headers={"Content-Disposition": f'{disposition}.pb"'},
            )
        names = await results.user_names(db, [record.computed_by_id, record.published_by_id])
        document = results.record_document(
            process,
            budget,
            record,
            names.get(record.computed_by_id or 0),
            names.get(record.published_by_id or 0),
        )
        return Response(
            results.record_json(document),
            media_type="application/json; charset=utf-8",
            headers={"Content-Disposition": f'{disposition}.json"'},
        )

    async def _record(self, db: AsyncSession, process: Process, budget: Budget, wanted: str | None) -> ResultRecord:
        if wanted is None:
            current = await results.published_record(db, budget)
            if current is None:
                raise NotFoundException()
            return current
        if not wanted.isdigit():
            raise NotFoundException()
        record = await results.get_record_of(db, process, int(wanted))
        if record.budget_id != budget.id or not record.is_published:
            raise NotFoundException()
        return record

    @get("/projects/{project_id:int}")
    async def project(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[AsyncSession],
        slug: FromPath[str],
        project_id: FromPath[int],
    ) -> Template:
        process = await results.get_process_with_results(db, current_user_or_none(request), slug)
        project = await results.get_funded_project(db, process, project_id)
        budget = results.get_budget_of(process, project.budget_id)
        record = await results.published_record(db, budget)
        assert record is not None  # get_funded_project found the project in it
        voters, points = results.tallies(record)
        return page(
            "results/project.html",
            process=process,
            project=project,
            budget=budget,
            record=record,
            voters=voters.get(project.id, 0),
            points=points.get(project.id, 0),
            uses_points=budget.ballot_format in (BallotFormat.CUMULATIVE, BallotFormat.RANKED),
            implementation=(await results.implementations_of(db, [project.id])).get(project.id),
            notes=(await results.notes_of(db, [project.id]))[project.id],
            **_labels(),
        )


ROUTES: list[Any] = [ResultsAdminController, PublicResultsController]
