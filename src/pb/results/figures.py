"""The results pages' figures in the page's language: turnout tables and the stability view, each a table with
a server-rendered SVG chart of the same numbers (pb.reports.charts; WCAG 2.1 SC 1.1.1: the table is the text
alternative, the chart's <title> and <desc> repeat it).

Turnout follows pb.participation's suppression rule for public tables (pb.participation.statistics): a count
under 5 reads "<5", further cells are hidden so that it cannot be worked out from the total, a table that cannot
be protected is not shown, and a turnout percentage is shown only next to a shown count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pb import i18n
from pb.districts.models import District
from pb.participation.statistics import SMALL_COUNT, Breakdown, Cell, Key, Shown, Statistics
from pb.reports.charts import BarChart, Count, bar_chart
from pb.results.services import StabilitySummary
from pb.voting.models import CHANNEL_LABELS, Channel

Translate = Callable[[str], str]


@dataclass(frozen=True)
class _Withheld(Count):
    """A suppressed value whose label is not "<5" (a hidden count, or a turnout not shown next to one)."""

    text: str = ""

    def display(self, language: str) -> str:
        return self.text


# --- turnout -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TurnoutLine:
    label: str
    voters: str
    eligible: str
    turnout: str


@dataclass(frozen=True)
class TurnoutTable:
    table_id: str
    heading: str
    lines: tuple[TurnoutLine, ...]
    chart: BarChart | None
    has_turnout: bool
    # False when the breakdown cannot be shown without revealing a small count (the suppression rule's rule 3).
    published: bool = True


@dataclass(frozen=True)
class Turnout:
    voters: str
    eligible: str
    turnout: str
    tables: tuple[TurnoutTable, ...]


def turnout_view(
    prefix: str,
    figures: Statistics,
    districts: Mapping[int, District],
    *,
    language: str,
    _: Translate,
) -> Turnout:
    """One budget's turnout by home district, age band and channel, suppressed for the public."""
    unknown = _("Not known")

    def district_name(key: Key) -> str:
        found = districts.get(key) if isinstance(key, int) else None
        return found.name(language) if found is not None else unknown

    def band(key: Key) -> str:
        return str(key) if key is not None else unknown

    def channel(key: Key) -> str:
        return _(CHANNEL_LABELS[Channel(key)]) if isinstance(key, str) and key in set(Channel) else unknown

    small_total = figures.voters < SMALL_COUNT
    return Turnout(
        voters=f"<{SMALL_COUNT}" if small_total else i18n.format_number(figures.voters, language),
        eligible=i18n.format_number(figures.eligible, language) if figures.eligible else "",
        turnout="" if small_total or figures.turnout is None else i18n.format_percent(figures.turnout, language),
        tables=(
            _turnout_table(f"{prefix}-district", _("Turnout by home district"), figures.by_district, district_name,
                           language=language, _=_),
            _turnout_table(f"{prefix}-age", _("Turnout by age"), figures.by_age, band, language=language, _=_),
            _turnout_table(f"{prefix}-channel", _("Voters by way of voting"), figures.by_channel, channel,
                           language=language, _=_),
        ),
    )  # fmt: skip


def _turnout_table(
    table_id: str,
    heading: str,
    breakdown: Breakdown,
    label: Callable[[Key], str],
    *,
    language: str,
    _: Translate,
) -> TurnoutTable:
    cells: list[Cell] | None = breakdown.protected()
    has_turnout = any(line.eligible for line in breakdown.lines)
    if cells is None:
        return TurnoutTable(table_id, heading, (), None, has_turnout, published=False)
    hidden, not_shown = _("hidden"), _("not shown")
    lines, bars = [], []
    for line, cell in zip(breakdown.lines, cells, strict=True):
        if cell.shown == Shown.SMALL:
            count: Count = Count(cell.value, suppressed=True)
        elif cell.shown == Shown.HIDDEN:
            count = _Withheld(cell.value, suppressed=True, text=hidden)
        else:
            count = Count(cell.value)
        # Rule 4 of the suppression rule: a turnout next to a suppressed count would give the count away.
        turnout = line.turnout if cell.is_published else None
        text = label(line.key)
        lines.append(
            TurnoutLine(
                label=text,
                voters=count.display(language),
                eligible=i18n.format_number(line.eligible, language) if line.eligible else "",
                turnout=i18n.format_percent(turnout, language) if turnout is not None else "",
            )
        )
        if not has_turnout:
            bars.append((text, count))
        elif line.eligible:
            # Turnout in tenths of a percent, so that the chart draws whole numbers and labels them as percents.
            bars.append(
                (text, Count(round(turnout * 1000)) if turnout is not None else _Withheld(0, True, text=not_shown))
            )
    chart = bar_chart(
        f"{table_id}-chart",
        heading,
        bars,
        language=language,
        label_heading=_("Group"),
        value_heading=_("Turnout") if has_turnout else _("Voters"),
        format_value=(lambda permille: i18n.format_percent(permille / 1000, language)) if has_turnout else None,
    )
    return TurnoutTable(table_id, heading, tuple(lines), chart if bars else None, has_turnout)


# --- stability ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StabilityLine:
    name: str
    selected: bool
    wins: int
    share: str


@dataclass(frozen=True)
class StabilityView:
    summary: StabilitySummary
    lines: tuple[StabilityLine, ...]
    chart: BarChart


def stability_view(chart_id: str, summary: StabilitySummary, *, language: str, _: Translate) -> StabilityView:
    def share(wins: int) -> str:
        return i18n.format_percent(wins / summary.resamples, language)

    lines = tuple(
        StabilityLine(project.name, project.selected, project.wins, share(project.wins)) for project in summary.projects
    )
    chart = bar_chart(
        chart_id,
        _("Share of the %(count)s resamples in which each project wins") % {"count": summary.resamples},
        [(project.name, project.wins) for project in summary.projects],
        language=language,
        label_heading=_("Project"),
        value_heading=_("Wins in resamples"),
        format_value=share,
    )
    return StabilityView(summary, lines, chart)
