"""The outcome report of a participatory-budgeting round (issue 5): the data, gathered from the database through
the domains' own services into plain dataclasses, for ``templates/reports/outcome.html``.

Contents, in the report's order: (1) a summary page, (2) the process: phases, eligibility rules, channels,
(3) participation by district, age band and channel against the eligible population, (4) from proposals to the
ballot, with the reasons given for proposals found not feasible, (5) the result of every budget: the rule, every
project on the ballot with its votes, cost and outcome, what the other rules would have chosen and the stability
view, (6) an appendix with what anyone needs to recompute each result. The archival variant (PDF/A-3a) carries
each budget's anonymised ballots (``.pb``) and result record (JSON) as embedded files, byte for byte what the
public results page serves, so the result can be checked from the report alone years later.

Everything is gathered in the report's language, chosen by staff and independent of who asks for it, and only
from what is public once results are published: participation figures go through the public small-cell
suppression (pb.participation.statistics, rules 1-4), proposals hidden by a moderator are not named, and only
published result records are reported. A budget without a published result says so, and the report is then
marked as a draft.

The context is plain data (no ORM objects), so ``pb.reports.services.Reports`` can digest it as the cache key:
the same data gives the same file, whoever asks and whenever. ``outcome_pdf`` gathers and renders in one go; the
web runs it in a worker process, the command line in its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

import anyio.to_thread
from litestar.exceptions import NotFoundException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import pb
from pb import i18n
from pb.accounts.models import User
from pb.db import Database
from pb.districts.models import District
from pb.i18n import N_
from pb.participation import services as participation
from pb.participation.statistics import SMALL_COUNT, Breakdown, Key, Overview, Shown
from pb.processes import services as processes
from pb.processes.models import (
    BALLOT_FORMAT_LABELS,
    BUDGET_RULE_LABELS,
    PHASE_LABELS,
    VOTING_METHOD_LABELS,
    BallotFormat,
    Budget,
    BudgetRule,
    PhaseKind,
    Process,
    Project,
    VotingMethod,
)
from pb.proposals.models import ProposalStatus
from pb.reports.charts import BarChart, Count, bar_chart
from pb.reports.pdf import ReportAttachment, Variant
from pb.reports.services import ReportCache, Reports
from pb.results import services as results
from pb.results.models import ResultRecord
from pb.review import services as review
from pb.review.models import Feasibility
from pb.settings import Settings
from pb.voting import services as voting
from pb.voting.models import CHANNEL_LABELS, Channel

TEMPLATE = "reports/outcome.html"
VariantName = Literal["ua", "archival"]
# The names staff and the command line use, and the PDF variant each one is (pb.reports.pdf).
VARIANTS: dict[VariantName, Variant] = {"ua": "pdf/ua-1", "archival": "pdf/a-3a"}
# The drawing of a budget's votes (and of its stability) shows the projects with the most votes; the table next
# to it always lists every project. Ten, not more: an SVG figure cannot break across pages, and WeasyPrint 70
# lays out SVG text one letter at a time (weasyprint/svg/text.py), so 25 bars in each of 11 budgets were a
# quarter of the layout time of a 640-project report (bench/report.py) and left half-empty pages before them.
CHART_BARS = 10
# The summary is a page: it names the funded projects when there are at most this many (a large round funds
# hundreds; section 5 lists them all).
SUMMARY_PROJECTS = 30


# --- access-checked loaders ------------------------------------------------------------------------------------


async def get_process_for_report_staff(db: AsyncSession, user: User, slug: str) -> Process:
    """For the staff page, whose guard admits admins only: any process, drafts and unpublished results too."""
    return await processes.get_process_for(db, user, slug)


async def get_process_with_published_report(db: AsyncSession, user: User | None, slug: str) -> Process:
    """A process the user may see whose every budget has a published result; 404 otherwise (issue 5: "once
    results are published anyone can download it"; before that the report does not exist for the public)."""
    process = await processes.get_process_for(db, user, slug)
    if not await results.results_published(db, process):
        raise NotFoundException()
    return process


# --- the report's data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number of the summary, already written in the report's language."""

    label: str
    value: str


@dataclass(frozen=True)
class FundedProject:
    budget: str
    title: str
    cost_cents: int
    votes: int


@dataclass(frozen=True)
class BudgetLine:
    name: str
    amount_cents: int
    published: bool
    funded: int
    used_cents: int


@dataclass(frozen=True)
class Summary:
    figures: tuple[Figure, ...]
    budgets: tuple[BudgetLine, ...]
    # Every funded project, when they fit on the summary page (SUMMARY_PROJECTS); else empty, and section 5
    # lists each budget's funded projects first.
    funded: tuple[FundedProject, ...]
    funded_count: int
    budgets_without_result: tuple[str, ...]


@dataclass(frozen=True)
class PhaseLine:
    label: str
    starts_at: datetime
    ends_at: datetime
    closed_early: bool


@dataclass(frozen=True)
class DistrictLine:
    name: str
    eligible: int


@dataclass(frozen=True)
class ProcessFacts:
    phases: tuple[PhaseLine, ...]
    minimum_age: int
    last_voting_day: date | None
    budget_rule: str
    voting_methods: tuple[str, ...]
    channels: tuple[str, ...]
    age_bands: tuple[str, ...]
    districts: tuple[DistrictLine, ...]
    budgets: tuple[tuple[str, int, str], ...]  # (name, amount in cents, ballot format)


@dataclass(frozen=True)
class TableLine:
    """A participation line as published: the count is "<5" or "hidden" where suppression requires it."""

    label: str
    voters: str
    eligible: str
    turnout: str


@dataclass(frozen=True)
class ParticipationTable:
    table_id: str
    heading: str
    lines: tuple[TableLine, ...]
    chart: BarChart | None
    has_turnout: bool
    # False when the breakdown cannot be published without revealing a small count (statistics rule 3).
    published: bool
    suppressed: bool


@dataclass(frozen=True)
class ParticipationFacts:
    voters: str
    eligible: str
    turnout: str
    tables: tuple[ParticipationTable, ...]


@dataclass(frozen=True)
class NotFeasible:
    title: str
    area: str
    reason: str


@dataclass(frozen=True)
class Funnel:
    proposals: int
    on_ballot: int
    # (label, number) from the proposals made to the projects on the ballot, as a table and a chart.
    stages: tuple[tuple[str, int], ...]
    chart: BarChart
    not_feasible: tuple[NotFeasible, ...]


@dataclass(frozen=True)
class ProjectOutcome:
    title: str
    voters: int
    points: int
    cost_cents: int
    funded: bool
    # 1-based position in the order the rule selected the funded projects; 0 when not funded.
    position: int
    # The stability run's figures for the project ("183 / 200 (92 %)"), or None without a run.
    resamples_won: str | None = None


@dataclass(frozen=True)
class RuleComparison:
    label: str
    applies: bool
    funded: int
    cost_cents: int
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class StabilityLine:
    project_id: int
    title: str
    wins: int
    won: str  # "183 / 200 (92 %)", as the table of projects shows it


@dataclass(frozen=True)
class StabilityView:
    """The bootstrap view of pb.results.stability, as stored with the result record (pb.results.services.
    stability_for), with what is needed to repeat the resampling."""

    resamples: int
    seed: str
    procedure: str
    ballot_digest: str
    computed_at: datetime
    lines: tuple[StabilityLine, ...]
    chart: BarChart


@dataclass(frozen=True)
class Integrity:
    record_id: int
    ballots_file: str
    record_file: str
    file_digest: str
    ballot_digest: str
    rule: str
    variant: str
    tie_order: str
    parameters: tuple[tuple[str, str], ...]
    lot_seed: str
    lot_procedure: str
    endowment: str | None
    versions: tuple[tuple[str, str], ...]
    computed_at: datetime
    published_at: datetime | None
    command: str
    ballots_url: str
    record_url: str


@dataclass(frozen=True)
class BudgetOutcome:
    budget_id: int
    name: str
    amount_cents: int
    ballot_format: str
    published: bool
    rule_label: str = ""
    uses_points: bool = False
    counted_ballots: int = 0
    money_used_cents: int = 0
    projects: tuple[ProjectOutcome, ...] = ()
    chart: BarChart | None = None
    comparison: tuple[RuleComparison, ...] = ()
    # None: no stability run is stored for the record; the report says so.
    stability: StabilityView | None = None
    integrity: Integrity | None = None


@dataclass(frozen=True)
class OutcomeReport:
    process_name: str
    draft: bool
    archival: bool
    summary: Summary
    process: ProcessFacts
    participation: ParticipationFacts
    funnel: Funnel
    budgets: tuple[BudgetOutcome, ...]
    software: str


@dataclass(frozen=True)
class OutcomeDocument:
    """What ``Reports.pdf`` needs, plus the name to save the file under."""

    context: dict[str, Any]
    language: str
    variant: Variant
    attachments: tuple[ReportAttachment, ...]
    file_name: str


# --- the PDF ---------------------------------------------------------------------------------------------------


class UnknownRound(LookupError):
    """No round has the slug asked for."""


@cache
def _reports(settings: Settings) -> Reports:
    # One per process (a worker's, or the command line's), so the framework digest is computed once.
    return Reports(settings, cache=ReportCache(settings.report_cache_dir), logo=settings.municipality_logo)


async def document_for(settings: Settings, slug: str, language: str, variant: VariantName) -> OutcomeDocument:
    """The report's data, read on a database connection of its own."""
    database = Database.connect(settings.database_url)
    try:
        async with database.sessionmaker() as db:
            process = await db.scalar(select(Process).where(Process.slug == slug))
            if process is None:
                raise UnknownRound(slug)
            return await outcome_document(db, process, language=language, variant=variant, settings=settings)
    finally:
        await database.engine.dispose()


def outcome_pdf(settings: Settings, slug: str, language: str, variant: VariantName) -> tuple[bytes, str]:
    """The report of round `slug` as a PDF, and the name to save it under; the caller has checked access.

    Gathers the data and lays the PDF out (or reads it from the cache, keyed by the digest of the data) in the
    calling process. The web runs it in a worker process (``anyio.to_process``), the command line directly: the
    gathering is CPU work too (each budget's tallies are read from its ballots file the first time: seconds for
    100,000 ballots), so neither part may run in the server's event loop.
    """
    document = asyncio.run(document_for(settings, slug, language, variant))
    pdf = _reports(settings).pdf_now(
        TEMPLATE, document.context, document.language, document.variant, document.attachments
    )
    return pdf, document.file_name


# --- gathering -------------------------------------------------------------------------------------------------


async def outcome_document(
    db: AsyncSession, process: Process, *, language: str, variant: VariantName, settings: Settings
) -> OutcomeDocument:
    """Reads the round through the domains' services and returns the report's context and attachments."""

    def _(message: str) -> str:
        return i18n.gettext(language, message)

    archival = variant == "archival"
    name = process.text("name", language)
    districts = {district.id: district for district in await processes.all_districts(db)}
    published = await results.published_records(db, process)
    budgets, attachments = [], []
    for budget in process.budgets:
        record = published.get(budget.id)
        budgets.append(await _budget_outcome(db, process, budget, record, language, settings))
        if record is not None and archival:
            attachments.extend(await _attachments(db, process, budget, record, language))
    # Counted by the database: the report needs no timeline (days, hours) of the vote.
    statistics = await participation.overview_for(db, process)
    figures = _participation(process, statistics, districts, language)
    funnel = await _funnel(db, process, districts, language)
    draft = len(published) < len(process.budgets) or not process.budgets
    report = OutcomeReport(
        process_name=name,
        draft=draft,
        archival=archival,
        summary=_summary(process, budgets, figures, funnel, language),
        process=_process_facts(process, districts, language),
        participation=figures,
        funnel=funnel,
        budgets=tuple(budgets),
        software=f"pb {pb.__version__}",
    )
    # The report's date is that of its newest published result, so the same results give the same file
    # (and cache key) on any later day; a draft is dated the day it is made.
    moments = [record.published_at for record in published.values() if record.published_at is not None]
    report_date = max(moments) if moments and not draft else processes.now()
    subtitle = _("Participatory budgeting: outcome report")
    if draft:
        subtitle += " · " + _("DRAFT: not every budget's result is published")
    context: dict[str, Any] = {
        "title": name,
        "subtitle": subtitle,
        "report_date": report_date.astimezone(results.HELSINKI).date(),
        "report": report,
        "base_url": settings.base_url.rstrip("/"),
        "process_slug": process.slug,
    }
    suffix = "-archival" if archival else ""
    return OutcomeDocument(
        context=context,
        language=language,
        variant=VARIANTS[variant],
        attachments=tuple(attachments),
        file_name=f"{process.slug}-outcome-{language}{suffix}.pdf",
    )


def _percent(value: float | None, language: str) -> str:
    """A share with one decimal (12,3 %), in the report's language."""
    if value is None:
        return ""
    return i18n.format_percent(value, language)


def _summary(
    process: Process,
    budgets: Sequence[BudgetOutcome],
    figures: ParticipationFacts,
    funnel: Funnel,
    language: str,
) -> Summary:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    funded = tuple(
        FundedProject(budget.name, project.title, project.cost_cents, project.voters)
        for budget in budgets
        for project in sorted(budget.projects, key=lambda item: item.position)
        if project.funded
    )
    amount = sum(budget.amount_cents for budget in process.budgets)
    used = sum(budget.money_used_cents for budget in budgets)
    rows = [
        Figure(_("Proposals made"), i18n.format_number(funnel.proposals, language)),
        Figure(_("Projects on the ballot"), i18n.format_number(funnel.on_ballot, language)),
        Figure(_("Voters"), figures.voters),
    ]
    if figures.eligible:
        rows.append(Figure(_("Eligible residents"), figures.eligible))
    if figures.turnout:
        rows.append(Figure(_("Turnout"), figures.turnout))
    rows += [
        Figure(_("Money to allocate"), i18n.format_euros(amount, language)),
        Figure(_("Money allocated to funded projects"), i18n.format_euros(used, language)),
        Figure(_("Funded projects"), i18n.format_number(len(funded), language)),
    ]
    missing = tuple(budget.name for budget in budgets if not budget.published)
    lines = tuple(
        BudgetLine(
            budget.name,
            budget.amount_cents,
            budget.published,
            sum(project.funded for project in budget.projects),
            budget.money_used_cents,
        )
        for budget in budgets
    )
    shown = funded if len(funded) <= SUMMARY_PROJECTS else ()
    return Summary(tuple(rows), lines, shown, len(funded), missing)


def _process_facts(process: Process, districts: Mapping[int, District], language: str) -> ProcessFacts:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    phases = tuple(
        PhaseLine(
            _(PHASE_LABELS[PhaseKind(phase.kind)]),
            phase.starts_at,
            phase.effective_end,
            phase.effective_end < phase.ends_at,
        )
        for phase in process.phases
    )
    methods = tuple(
        _(VOTING_METHOD_LABELS[VotingMethod(method)])
        for method in process.voting_methods
        if method in set(VotingMethod)
    )
    channels = tuple(_(CHANNEL_LABELS[Channel(channel)]) for channel in participation.channels_of(process))
    taking_part = tuple(
        DistrictLine(_district_name(districts, item.district_id, language), item.eligible_population)
        for item in process.districts
    )
    return ProcessFacts(
        phases=phases,
        minimum_age=process.minimum_age,
        last_voting_day=voting.last_voting_day(process),
        budget_rule=_(BUDGET_RULE_LABELS[BudgetRule(process.budget_rule)]),
        voting_methods=methods,
        channels=channels,
        age_bands=tuple(process.age_bands),
        districts=taking_part,
        budgets=tuple(
            (
                budget.text("name", language),
                budget.amount_cents,
                _(BALLOT_FORMAT_LABELS[BallotFormat(budget.ballot_format)]),
            )
            for budget in process.budgets
        ),
    )


def _district_name(districts: Mapping[int, District], district_id: int | None, language: str) -> str:
    found = districts.get(district_id) if district_id is not None else None
    return found.name(language) if found is not None else i18n.gettext(language, N_("Not known"))


# --- participation ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hidden(Count):
    """A count hidden by complementary suppression: it is not small, so it must not read "<5"."""

    text: str = ""

    def display(self, language: str) -> str:
        return self.text


def _participation(
    process: Process, statistics: Overview, districts: Mapping[int, District], language: str
) -> ParticipationFacts:
    """The public figures (statistics rules 1-4 of pb.participation.statistics): the report is a public document,
    so staff get the same suppressed tables as everyone else."""

    def _(message: str) -> str:
        return i18n.gettext(language, message)

    unknown = _("Not known")

    def district(key: Key) -> str:
        return _district_name(districts, key, language) if isinstance(key, int) else unknown

    def band(key: Key) -> str:
        return str(key) if key is not None else unknown

    def channel(key: Key) -> str:
        return _(CHANNEL_LABELS[Channel(key)]) if isinstance(key, str) and key in set(Channel) else unknown

    small_total = statistics.voters < SMALL_COUNT
    tables = (
        _table("district", _("Voters by home district"), statistics.by_district, district, language),
        _table("age", _("Voters by age"), statistics.by_age, band, language),
        _table("channel", _("Voters by way of voting"), statistics.by_channel, channel, language),
    )
    return ParticipationFacts(
        voters=f"<{SMALL_COUNT}" if small_total else i18n.format_number(statistics.voters, language),
        eligible=i18n.format_number(statistics.eligible, language) if statistics.eligible else "",
        turnout="" if small_total else _percent(statistics.turnout, language),
        tables=tables,
    )


def _table(
    table_id: str, heading: str, breakdown: Breakdown, label: Callable[[Key], str], language: str
) -> ParticipationTable:
    hidden_text = i18n.gettext(language, N_("hidden"))
    has_turnout = any(line.eligible for line in breakdown.lines)
    cells = breakdown.protected()
    if cells is None:
        return ParticipationTable(f"participation-{table_id}", heading, (), None, has_turnout, False, True)
    lines, bars = [], []
    for line, cell in zip(breakdown.lines, cells, strict=True):
        if cell.shown == Shown.SMALL:
            count: Count = Count(cell.value, suppressed=True)
        elif cell.shown == Shown.HIDDEN:
            count = _Hidden(cell.value, suppressed=True, text=hidden_text)
        else:
            count = Count(cell.value)
        text = label(line.key)
        bars.append((text, count))
        lines.append(
            TableLine(
                label=text,
                voters=count.display(language),
                eligible=i18n.format_number(line.eligible, language) if line.eligible else "",
                # Rule 4: a turnout next to a suppressed count would give the count away.
                turnout=_percent(line.turnout, language) if cell.is_published else "",
            )
        )
    chart = bar_chart(
        f"participation-{table_id}-chart",
        heading,
        bars,
        language=language,
        label_heading=heading,
        value_heading=i18n.gettext(language, N_("Voters")),
    )
    return ParticipationTable(
        f"participation-{table_id}",
        heading,
        tuple(lines),
        chart,
        has_turnout,
        True,
        any(not cell.is_published for cell in cells),
    )


# --- from proposals to the ballot ------------------------------------------------------------------------------


async def _funnel(db: AsyncSession, process: Process, districts: Mapping[int, District], language: str) -> Funnel:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    rows = await review.process_proposals(db, process)
    proposals = [row for row in rows if not row.proposal.is_plan]
    decided = {row.proposal.id: row.review.feasibility for row in rows if row.review is not None}
    on_ballot = sum(len(item.projects) for item in await review.ballot(db, process))
    stages = (
        (_("Proposals made"), len(proposals)),
        (_("Withdrawn by their authors"), sum(row.proposal.status == ProposalStatus.WITHDRAWN for row in proposals)),
        (_("Merged into plans"), sum(row.proposal.status == ProposalStatus.MERGED for row in proposals)),
        (_("Plans made from proposals"), sum(row.proposal.is_plan for row in rows)),
        (_("Found feasible"), sum(value == Feasibility.FEASIBLE for value in decided.values())),
        (_("Found not feasible"), sum(value == Feasibility.NOT_FEASIBLE for value in decided.values())),
        (_("Projects on the ballot"), on_ballot),
    )
    chart = bar_chart(
        "funnel-chart",
        _("From proposals to the ballot"),
        list(stages),
        language=language,
        label_heading=_("Stage"),
        value_heading=_("Number"),
    )
    city_wide = _("City-wide")
    not_feasible = sorted(
        (
            NotFeasible(
                # A proposal a moderator hid is not named in a public document (its decision still counts).
                _("A proposal hidden by a moderator") if row.proposal.hidden_at else row.proposal.title,
                _district_name(districts, row.proposal.district_id, language)
                if row.proposal.district_id
                else city_wide,
                row.review.public_reason if row.review else "",
            )
            for row in rows
            if row.review is not None and row.review.feasibility == Feasibility.NOT_FEASIBLE
        ),
        key=lambda item: (item.area, item.title.casefold()),
    )
    return Funnel(len(proposals), on_ballot, stages, chart, tuple(not_feasible))


# --- results ---------------------------------------------------------------------------------------------------


async def _budget_outcome(
    db: AsyncSession,
    process: Process,
    budget: Budget,
    record: ResultRecord | None,
    language: str,
    settings: Settings,
) -> BudgetOutcome:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    name = budget.text("name", language)
    ballot_format = _(BALLOT_FORMAT_LABELS[BallotFormat(budget.ballot_format)])
    if record is None:
        return BudgetOutcome(budget.id, name, budget.amount_cents, ballot_format, published=False)
    projects = await voting.projects_of(db, budget)
    # Stored with the record; one counted before migration 0011 has its ballots file parsed, which is CPU work
    # (50,000 ballots: a second), so off the event loop.
    voters, points = await anyio.to_thread.run_sync(results.tallies, record)
    funded = {project_id: position for position, project_id in enumerate(record.selected, 1)}
    uses_points = budget.ballot_format in (BallotFormat.CUMULATIVE, BallotFormat.RANKED)
    measure = points if uses_points else voters
    stability = _stability(await results.stability_for(db, record.id), f"stability-{budget.id}", language)
    # The stability figures go into the table of projects, as a column, rather than a second table of every
    # project: a 640-project ballot would otherwise fill twice the pages (and double WeasyPrint's time).
    won = {} if stability is None else {line.project_id: line.won for line in stability.lines}
    # As on the results page: the funded projects first, then by votes (or points), most first.
    ordered = sorted(projects, key=lambda project: (project.id not in funded, -measure.get(project.id, 0), project.id))
    lines = tuple(
        ProjectOutcome(
            project.title,
            voters.get(project.id, 0),
            points.get(project.id, 0),
            project.cost_cents,
            project.id in funded,
            funded.get(project.id, 0),
            won.get(project.id),
        )
        for project in ordered
    )
    value_heading = _("Points") if uses_points else _("Votes")
    by_votes = sorted(projects, key=lambda project: (-measure.get(project.id, 0), project.id))[:CHART_BARS]
    if len(projects) <= CHART_BARS:
        title = _("%(measure)s per project: %(budget)s") % {"measure": value_heading, "budget": name}
    elif uses_points:
        title = _("Points of the %(count)s projects with the most points: %(budget)s") % {
            "count": CHART_BARS,
            "budget": name,
        }
    else:
        title = _("Votes of the %(count)s projects with the most votes: %(budget)s") % {
            "count": CHART_BARS,
            "budget": name,
        }
    chart = bar_chart(
        f"votes-{budget.id}",
        title,
        [(project.title, measure.get(project.id, 0)) for project in by_votes],
        language=language,
        label_heading=_("Project"),
        value_heading=value_heading,
    )
    return BudgetOutcome(
        budget_id=budget.id,
        name=name,
        amount_cents=budget.amount_cents,
        ballot_format=ballot_format,
        published=True,
        rule_label=_(results.RULE_LABELS.get(record.rule, record.rule)),
        uses_points=uses_points,
        counted_ballots=record.voters,
        money_used_cents=record.total_cost_cents,
        projects=lines,
        chart=chart,
        comparison=_comparison(record, projects, language),
        stability=stability,
        integrity=_integrity(process, budget, record, settings),
    )


def _stability(summary: results.StabilitySummary | None, chart_id: str, language: str) -> StabilityView | None:
    """The record's finished bootstrap run (issue 9's stability view), or None when none has been computed."""
    if summary is None:
        return None

    def _(message: str) -> str:
        return i18n.gettext(language, message)

    def share(wins: int) -> str:
        return _percent(wins / summary.resamples, language)

    # Most stable first (pb.results.services orders them so); the drawing shows the first CHART_BARS.
    lines = tuple(
        StabilityLine(
            int(project.project_id),
            project.name,
            project.wins,
            f"{i18n.format_number(project.wins, language)} / {i18n.format_number(summary.resamples, language)}"
            f" ({share(project.wins)})",
        )
        for project in summary.projects
    )
    if len(lines) > CHART_BARS:
        title = _("Share of the %(count)s resamples won: the %(shown)s projects that won most often") % {
            "count": summary.resamples,
            "shown": CHART_BARS,
        }
    else:
        title = _("Share of the %(count)s resamples in which each project wins") % {"count": summary.resamples}
    chart = bar_chart(
        chart_id,
        title,
        [(line.title, line.wins) for line in lines[:CHART_BARS]],
        language=language,
        label_heading=_("Project"),
        value_heading=_("Share of resamples"),
        format_value=share,
    )
    return StabilityView(
        resamples=summary.resamples,
        seed=summary.seed,
        procedure=summary.procedure,
        ballot_digest=summary.ballot_digest,
        computed_at=summary.computed_at,
        lines=lines,
        chart=chart,
    )


def _comparison(record: ResultRecord, projects: Sequence[Project], language: str) -> tuple[RuleComparison, ...]:
    """What the other rules would have funded (computed with the record by pb.results and stored in it)."""
    by_id = {project.id: project for project in projects}
    chosen = set(record.selected)
    found = []
    for rule, other in record.comparison.items():
        label = i18n.gettext(language, results.RULE_LABELS.get(rule, rule))
        if isinstance(other, str):  # the rule does not apply to these ballots (the engine's reason)
            found.append(RuleComparison(label, False, 0, 0, (), ()))
            continue
        picked = {int(project_id) for project_id in other}
        found.append(
            RuleComparison(
                label,
                True,
                len(picked),
                sum(by_id[i].cost_cents for i in picked if i in by_id),
                tuple(by_id[i].title for i in sorted(picked - chosen) if i in by_id),
                tuple(by_id[i].title for i in sorted(chosen - picked) if i in by_id),
            )
        )
    return tuple(found)


def _integrity(process: Process, budget: Budget, record: ResultRecord, settings: Settings) -> Integrity:
    ballots_file = results.file_name(process, budget)
    base = f"{settings.base_url.rstrip('/')}/processes/{process.slug}/results/{budget.id}"
    return Integrity(
        record_id=record.id,
        ballots_file=ballots_file,
        record_file=_record_file_name(process, budget),
        file_digest=record.file_digest,
        ballot_digest=record.ballot_digest,
        rule=record.rule,
        variant=record.variant,
        tie_order=record.tie_order,
        parameters=tuple((str(key), str(value)) for key, value in record.parameters.items()),
        lot_seed=record.lot_seed,
        lot_procedure=results.LOT_PROCEDURE,
        endowment=record.endowment,
        versions=tuple((str(key), str(value)) for key, value in record.versions.items()),
        computed_at=record.computed_at,
        published_at=record.published_at,
        command=f"pb tally {ballots_file} --rule {record.rule} --ties {record.tie_order} --json",
        ballots_url=f"{base}.pb?record={record.id}",
        record_url=f"{base}.json?record={record.id}",
    )


def _record_file_name(process: Process, budget: Budget) -> str:
    return results.file_name(process, budget).removesuffix(".pb") + ".json"


async def _attachments(
    db: AsyncSession, process: Process, budget: Budget, record: ResultRecord, language: str
) -> list[ReportAttachment]:
    """The ballots file and the result record JSON, the same bytes as the public downloads of the record."""

    def _(message: str) -> str:
        return i18n.gettext(language, message)

    name = budget.text("name", language)
    names = await results.user_names(db, [record.computed_by_id, record.published_by_id])
    document = results.record_document(
        process, budget, record, names.get(record.computed_by_id or 0), names.get(record.published_by_id or 0)
    )
    # Fixed file dates (the record's publication) keep the PDF the same for the same inputs.
    moment = record.published_at or record.computed_at
    return [
        ReportAttachment(
            results.file_name(process, budget),
            record.ballots_file.encode("utf-8"),
            "text/plain",
            _("Anonymised ballots of %(budget)s (Pabulib file)") % {"budget": name},
            modified=moment,
            # ISO 32000-2 7.11.3: "Source" is the data the document's content was made from.
            relationship="Source",
        ),
        ReportAttachment(
            _record_file_name(process, budget),
            results.record_json(document).encode("utf-8"),
            "application/json",
            _("Result record of %(budget)s (JSON)") % {"budget": name},
            modified=moment,
            relationship="Data",
        ),
    ]
