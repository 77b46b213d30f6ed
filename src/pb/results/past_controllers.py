"""HTTP for past elections imported from Pabulib files: the public list and pages, the original file, and the
admin's import, stability request and deletion."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb.accounts.controllers import signed_in
from pb.accounts.models import Role
from pb.i18n import N_
from pb.processes.services import now
from pb.reports.charts import BarChart, bar_chart
from pb.results import forms
from pb.results import past_elections as past
from pb.results import services as results
from pb.results.controllers import ADMIN_ONLY, sessions_of, stability_message
from pb.results.figures import StabilityView, stability_view
from pb.results.models import PastElection, StabilityRun
from pb.results.pabulib_import import MAX_FILE_BYTES, META_SHOWN_FIRST
from pb.results.services import RULE_LABELS, ResultRefused
from pb.web.auth import client_address, current_user_or_none
from pb.web.forms import Errors, Translate, language_of, read_form, translator
from pb.web.responses import flash, page, see_other

VOTE_TYPE_LABELS = {
    "approval": N_("Approval: each voter chose any number of projects"),
    "choose-1": N_("Choose one: each voter chose one project"),
    "cumulative": N_("Cumulative: each voter shared points among projects"),
    "ordinal": N_("Ranking: each voter ranked projects in order"),
    "scoring": N_("Scores: each voter gave projects scores"),
}
POINTS_VOTE_TYPES = ("cumulative", "ordinal", "scoring")
# A little room above the file for the form's other parts; a larger body is refused before it is read
# (error page "The file or form is too large"), a file between the two limits gets its message at the field.
MAX_UPLOAD_BODY = MAX_FILE_BYTES + 64 * 1024


@dataclass(frozen=True)
class ProjectRow:
    project_id: str
    name: str
    cost: Decimal
    voters: int
    points: Decimal
    # Rule -> whether the rule selects the project (for the comparison table).
    selected_by: dict[str, bool]


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    label: str
    selected: tuple[str, ...]  # names, in selection order
    total_cost: Decimal | None
    error: str


@dataclass(frozen=True)
class ElectionPage:
    election: PastElection
    rows: tuple[ProjectRow, ...]
    outcomes: tuple[RuleOutcome, ...]
    chart: BarChart
    uses_points: bool
    meta: tuple[tuple[str, str], ...]
    stability: tuple[StabilityView, ...]
    runs: tuple[StabilityRun, ...]


def _election_page(
    election: PastElection,
    summaries: list[results.StabilitySummary],
    runs: list[StabilityRun],
    language: str,
    _: Translate,
) -> ElectionPage:
    uses_points = election.vote_type in POINTS_VOTE_TYPES
    rules = [rule for rule in RULE_LABELS if rule in election.outcomes]
    chosen = {rule: set(election.outcomes[rule].get("selected", ())) for rule in rules}
    rows = tuple(
        ProjectRow(
            project_id=project["id"],
            name=project["name"] or project["id"],
            cost=Decimal(project["cost"]),
            voters=project["voters"],
            points=Decimal(project["points"]),
            selected_by={rule: project["id"] in chosen[rule] for rule in rules},
        )
        for project in election.projects
    )
    names = {row.project_id: row.name for row in rows}
    outcomes = []
    for rule in rules:
        outcome = election.outcomes[rule]
        outcomes.append(
            RuleOutcome(
                rule=rule,
                label=_(RULE_LABELS[rule]),
                selected=tuple(names.get(project_id, project_id) for project_id in outcome.get("selected", ())),
                total_cost=Decimal(outcome["total_cost"]) if "total_cost" in outcome else None,
                error=outcome.get("error", ""),
            )
        )
    value_heading = _("Points") if uses_points else _("Votes")
    ordered = sorted(rows, key=lambda row: (-(row.points if uses_points else row.voters), row.project_id))
    chart = bar_chart(
        f"election-{election.id}-votes",
        _("%(measure)s per project") % {"measure": value_heading},
        [(row.name, int(row.points) if uses_points else row.voters) for row in ordered],
        language=language,
        label_heading=_("Project"),
        value_heading=value_heading,
    )
    meta = dict(election.meta)
    shown_first = [(key, meta[key]) for key in META_SHOWN_FIRST if key in meta]
    return ElectionPage(
        election=election,
        rows=rows,
        outcomes=tuple(outcomes),
        chart=chart,
        uses_points=uses_points,
        meta=(*shown_first, *((key, value) for key, value in election.meta if key not in META_SHOWN_FIRST)),
        stability=tuple(
            stability_view(f"stability-{summary.rule}", summary, language=language, _=_) for summary in summaries
        ),
        runs=tuple(runs),
    )


def _labels() -> dict[str, Any]:
    return {"rule_labels": RULE_LABELS, "vote_type_labels": VOTE_TYPE_LABELS}


class PastElectionsController(Controller):
    path = "/past-elections"
    include_in_schema = False

    @get("/", name="past_elections")
    async def index(self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]) -> Template:
        user = current_user_or_none(request)
        return page(
            "results/past_elections.html",
            elections=await past.past_elections(db),
            may_import=user is not None and user.has_role(Role.ADMIN),
            **_labels(),
        )

    @get("/{election_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], election_id: FromPath[int]
    ) -> Template:
        return await election_page(request, db, await past.get_past_election(db, election_id))

    @get("/{election_id:int}/file")
    async def download(self, db: NamedDependency[AsyncSession], election_id: FromPath[int]) -> Response[bytes]:
        """The file exactly as it was imported (its SHA-256 is on the page)."""
        election = await past.get_past_election(db, election_id)
        name = election.file_name.replace('"', "").replace("\\", "") or "election.pb"
        return Response(
            election.file_data,
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


async def election_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    election: PastElection,
    *,
    errors: Errors | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    user = current_user_or_none(request)
    _ = translator(request)
    summaries = await results.election_stability(db, election)
    runs = await past.stability_runs_of(db, election)
    has_threshold = any(key == "min_project_score_threshold" and value.strip() for key, value in election.meta)
    return page(
        "results/past_election.html",
        status=status,
        view=_election_page(election, summaries, runs, language_of(request), _),
        staff=user is not None and user.has_role(Role.ADMIN),
        errors=errors or Errors(),
        form=form or {"rule": election.file_rule},
        # Without a threshold in the file the threshold rule is plain greedy: not offered separately.
        rule_options=[
            (rule, _(label)) for rule, label in RULE_LABELS.items() if has_threshold or rule != "greedy-threshold"
        ],
        **_labels(),
    )


class PastElectionsAdminController(Controller):
    path = "/past-elections"
    guards = [ADMIN_ONLY]
    include_in_schema = False
    opt = {"staff": True}

    @get("/import", name="past_elections_import")
    async def import_form(self) -> Template:
        return _import_page()

    @post("/import", request_max_body_size=MAX_UPLOAD_BODY)
    async def import_file(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession]
    ) -> Template | Redirect:
        user = signed_in(request)
        _ = translator(request)
        upload = (await request.form()).get("pabulib_file")
        data, file_name = b"", ""
        if isinstance(upload, UploadFile):
            try:
                file_name = upload.filename or ""
                # One byte more than allowed is enough to know the file is too large.
                data = await upload.read(MAX_FILE_BYTES + 1)
            finally:
                await upload.close()
        # Parsing a large file is CPU work: a worker thread keeps the event loop answering.
        parsed, errors = await anyio.to_thread.run_sync(forms.parse_pabulib_upload, data, file_name, _)
        if not errors and parsed.imported is not None:
            try:
                election, run = await past.import_past_election(
                    db,
                    parsed.imported,
                    parsed.data,
                    parsed.file_name,
                    actor=user,
                    now=now(),
                    address=client_address(request),
                )
            except ResultRefused as refused:
                errors.add("pabulib_file", _(refused.message))
                return _import_page(errors, status=422, existing=int(refused.params["id"]))
            flash(request, _("The election was imported. It is being counted with every rule; reload in a moment."))
            sessions = sessions_of(request)
            return Redirect(
                f"/past-elections/{election.id}",
                status_code=303,
                # Counting with every rule, then the stability analysis, in worker processes after this response.
                background=BackgroundTasks(
                    [
                        BackgroundTask(past.count_past_election, sessions, election.id),
                        BackgroundTask(results.run_stability, sessions, run.id),
                    ]
                ),
            )
        return _import_page(errors, status=422)

    @post("/{election_id:int}/stability")
    async def stability(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], election_id: FromPath[int]
    ) -> Template | Redirect:
        user = signed_in(request)
        election = await past.get_past_election(db, election_id)
        _ = translator(request)
        data = await read_form(request)
        rule, errors = forms.parse_rule(data, _)
        if errors:
            return await election_page(request, db, election, errors=errors, form=data, status=422)
        run, start = await results.request_stability(
            db, election=election, rule=rule, actor=user, now=now(), address=client_address(request)
        )
        flash(request, stability_message(_, run, start))
        return Redirect(
            f"/past-elections/{election.id}",
            status_code=303,
            background=BackgroundTask(results.run_stability, sessions_of(request), run.id) if start else None,
        )

    @post("/{election_id:int}/delete")
    async def delete(
        self, request: Request[Any, Any, Any], db: NamedDependency[AsyncSession], election_id: FromPath[int]
    ) -> Redirect:
        election = await past.get_past_election(db, election_id)
        await past.delete_past_election(db, election, actor=signed_in(request), address=client_address(request))
        _ = translator(request)
        flash(request, _("The imported election was deleted."))
        return see_other("/past-elections")


def _import_page(errors: Errors | None = None, *, status: int = 200, existing: int | None = None) -> Template:
    return page(
        "results/past_import.html",
        status=status,
        errors=errors or Errors(),
        existing=existing,
        max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
        vote_type_labels=VOTE_TYPE_LABELS,
    )


ROUTES: list[Any] = [PastElectionsController, PastElectionsAdminController]
