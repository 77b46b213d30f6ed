"""HTTP for participation: the staff page (every figure) and the public page (small counts suppressed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.accounts.controllers import signed_in
from pb.districts.models import District
from pb.participation import services as participation
from pb.participation.statistics import SMALL_COUNT, Breakdown, Cell, Key, Shown, Statistics
from pb.processes import services as processes
from pb.processes.models import PhaseKind, Process
from pb.reports.charts import BarChart, Count, bar_chart
from pb.voting.models import CHANNEL_LABELS, Channel
from pb.web.auth import requires_role
from pb.web.forms import language_of, translator
from pb.web.responses import page

Translate = Callable[[str], str]


@dataclass(frozen=True)
class _Hidden(Count):
    """A count hidden by complementary suppression: it is not small, so it must not read "<5"."""

    text: str = ""

    def display(self, language: str) -> str:
        return self.text


@dataclass(frozen=True)
class Line:
    """One line of a table, formatted: every value is already text in the page's language."""

    label: str
    voters: str
    eligible: str
    turnout: str


@dataclass(frozen=True)
class Table:
    table_id: str
    heading: str
    lines: tuple[Line, ...]
    chart: BarChart | None
    has_turnout: bool
    # Public page: None when the breakdown cannot be published without revealing a small count (rule 3).
    published: bool = True
    suppressed: bool = False  # some cell reads "<5" or "hidden"


def _percent(value: float | None, language: str) -> str:
    if value is None:
        return ""
    return i18n.format_percent(value, language)


def _table(
    table_id: str,
    heading: str,
    breakdown: Breakdown,
    label: Callable[[Key], str],
    *,
    language: str,
    _: Translate,
    suppress: bool,
    chart: bool = True,
) -> Table:
    cells = breakdown.protected() if suppress else [Cell(line.voters) for line in breakdown.lines]
    has_turnout = any(line.eligible for line in breakdown.lines)
    if cells is None:
        return Table(table_id, heading, (), None, has_turnout, published=False)
    hidden_text = _("hidden")
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
            Line(
                label=text,
                voters=count.display(language),
                eligible=i18n.format_number(line.eligible, language) if line.eligible else "",
                # Rule 4: a turnout next to a suppressed count would give the count away.
                turnout=_percent(line.turnout, language) if cell.is_published else "",
            )
        )
    drawn = (
        bar_chart(
            f"{table_id}-chart",
            heading,
            bars,
            language=language,
            label_heading=heading,
            value_heading=_("Voters"),
        )
        if chart
        else None
    )
    return Table(
        table_id,
        heading,
        tuple(lines),
        drawn,
        has_turnout,
        suppressed=any(not cell.is_published for cell in cells),
    )


def _tables(
    process: Process,
    figures: Statistics,
    districts: Mapping[int, District],
    language: str,
    _: Translate,
    *,
    suppress: bool,
) -> list[Table]:
    unknown = _("Not known")
    budget_names = {budget.id: budget.text("name", language) for budget in process.budgets}

    def district_name(key: Key) -> str:
        found = districts.get(key) if isinstance(key, int) else None
        return found.name(language) if found is not None else unknown

    def budget_name(key: Key) -> str:
        return budget_names.get(key, unknown) if isinstance(key, int) else unknown

    def band(key: Key) -> str:
        return str(key) if key is not None else unknown

    def channel(key: Key) -> str:
        return _(CHANNEL_LABELS[Channel(key)]) if isinstance(key, str) and key in set(Channel) else unknown

    def day(key: Key) -> str:
        return i18n.format_date(key, language) if isinstance(key, date) else unknown

    def hour(key: Key) -> str:
        return f"{key:02d}–{(key + 1) % 24:02d}" if isinstance(key, int) else unknown

    table = partial(_table, language=language, _=_, suppress=suppress)
    return [
        table("by-budget", _("Voters by budget"), figures.by_budget, budget_name),
        table("by-district", _("Voters by home district"), figures.by_district, district_name),
        table("by-age", _("Voters by age"), figures.by_age, band),
        table("by-channel", _("Voters by way of voting"), figures.by_channel, channel),
        table("by-day", _("Voters by day of their first vote"), figures.by_day, day),
        table("by-hour", _("Voters by hour of their first vote (Finnish time)"), figures.by_hour, hour),
    ]


async def _context(
    request: Request[Any, Any, Any], db: AsyncSession, process: Process, *, suppress: bool
) -> dict[str, Any]:
    now = processes.now()
    figures = await participation.statistics_for(db, process, now)
    districts = {district.id: district for district in await processes.all_districts(db)}
    language = language_of(request)
    _ = translator(request)
    small_total = suppress and figures.voters < SMALL_COUNT
    return {
        "process": process,
        "now": now,
        "voting_phase": process.phase(PhaseKind.VOTING),
        "voters": (f"<{SMALL_COUNT}" if small_total else i18n.format_number(figures.voters, language)),
        "eligible": i18n.format_number(figures.eligible, language) if figures.eligible else "",
        "turnout": "" if small_total else _percent(figures.turnout, language),
        "tables": _tables(process, figures, districts, language, _, suppress=suppress),
        "small_count": SMALL_COUNT,
    }


class PublicParticipationController(Controller):
    path = "/processes/{slug:str}/participation"
    include_in_schema = False

    @get("/", name="participation")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        user = request.scope["state"].get("user")
        process = await participation.get_process_for_public_figures(db, user, slug, processes.now())
        return page("participation/public.html", **await _context(request, db, process, suppress=True))


class StaffParticipationController(Controller):
    path = "/participation/{slug:str}"
    guards = [requires_role(*participation.STAFF_ROLES)]
    include_in_schema = False
    opt = {"staff": True}

    @get("/", name="staff_participation")
    async def show(
        self, request: Request[Any, Any, Any], slug: FromPath[str], db: NamedDependency[AsyncSession]
    ) -> Template:
        process = await participation.get_process_for_staff_figures(db, signed_in(request), slug)
        return page("participation/staff.html", **await _context(request, db, process, suppress=False))


ROUTES: list[Any] = [PublicParticipationController, StaffParticipationController]
