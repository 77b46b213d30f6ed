"""The panel's report to the council as a PDF (issue 8, To the council and back; deliberation-panels.md §5.2), laid
out by pb.reports in a worker process: remit and commissioning body, the process and sessions, the experts heard,
the recruitment funnel, the composition against the quotas and the population, each recommendation with its
support and minority statements, the council's response once published, and an appendix with the lottery seeds,
input digests, the selection method and its software versions.

The context is plain data (pb.reports.services digests it for its cache): no ORM objects and no names. Members
appear only in numbers; minority statements without their authors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pb import i18n
from pb.panels import council, recommendations, recruitment, workspace
from pb.panels.draw import replacements_of
from pb.panels.models import Panel
from pb.panels.selection import drawn_selection
from pb.panels.services import draw_of
from pb.reports.charts import BarChart, bar_chart

TEMPLATE = "panels/report.html"


@dataclass(frozen=True)
class SessionRow:
    day: date
    time: str
    place: str
    present: int
    members: int


@dataclass(frozen=True)
class HearingRow:
    speaker: str
    affiliation: str
    declared_interests: str
    questions: int


@dataclass(frozen=True)
class CompositionRow:
    value: str
    population_share: str  # formatted percentage
    quota: str
    on_panel: int
    panel_share: str


@dataclass(frozen=True)
class CompositionTable:
    category: str
    rows: tuple[CompositionRow, ...]


@dataclass(frozen=True)
class RecommendationBlock:
    number: int
    title: str
    body: str
    rationale: str
    versions: int
    support: BarChart
    votes: int
    share: str
    level: str
    minority_statements: tuple[str, ...]
    decision: str
    reasoning: str
    responsible_body: str
    deadline: date | None
    decision_reference: str
    updates: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def _grouped(digest: str) -> str:
    """A SHA-256 hex digest in four groups of 16, so that it wraps in a table cell of the PDF."""
    if len(digest) == 64 and all(character in "0123456789abcdef" for character in digest):
        return " ".join(digest[index : index + 16] for index in range(0, 64, 16))
    return digest


def _percent(value: float, language: str) -> str:
    return f"{i18n.format_number(round(100 * value, 1), language)} %"


async def report_context(db: AsyncSession, panel: Panel, language: str, day: date) -> dict[str, Any]:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    sessions = await workspace.sessions_of(db, panel)
    members = await workspace.members_of(db, panel)
    funnel = await recruitment.funnel(db, panel)
    selection = await drawn_selection(db, panel)
    invitation_draw = await draw_of(db, panel)
    active = {member.id for member in members}

    session_rows = tuple(
        SessionRow(
            session.starts_at.date(),
            f"{i18n.format_datetime(session.starts_at, language)} – {i18n.format_datetime(session.ends_at, language)}",
            " · ".join(part for part in (session.place, _("online") if session.online_link else "") if part),
            sum(1 for item in session.attendance if item.present and item.member_id in active),
            len(members),
        )
        for session in sessions
    )
    hours = sum((session.ends_at - session.starts_at).total_seconds() for session in sessions) / 3600
    hearings = tuple(
        HearingRow(
            item.speaker,
            item.affiliation,
            item.declared_interests,
            len([line for line in item.questions.splitlines() if line.strip()]),
        )
        for item in await workspace.hearings_of(db, panel)
    )

    selected = len([p for p in selection.people if p.selected]) if selection else 0
    funnel_bars = [
        (_("Invited by lot"), funnel.invited),
        (_("Registered"), funnel.registered),
        (_("Selected"), selected),
        (_("Members at the end"), len(members)),
        (_("Attended every session"), workspace.attended_every_session(sessions, members)),
    ]
    funnel_chart = bar_chart(
        "funnel",
        _("Recruitment funnel"),
        funnel_bars,
        language=language,
        label_heading=_("Stage"),
        value_heading=_("People"),
    )

    counts: Counter[tuple[str, str]] = Counter(pair for member in members for pair in member.features.items())
    frozen = {(q["category"], q["value"]): q for q in selection.quotas} if selection else {}
    composition = tuple(
        CompositionTable(
            category.text("name", language),
            tuple(
                CompositionRow(
                    value.text("name", language),
                    _percent(value.population_share / 10_000, language),
                    (
                        f"{frozen[key]['min']}–{frozen[key]['max']}"
                        if (key := (str(category.id), str(value.id))) in frozen
                        else f"{value.min_count}–{value.max_count}"
                    ),
                    counts[key],
                    _percent(counts[key] / len(members), language) if members else "–",
                )
                for value in category.values
            ),
        )
        for category in panel.categories
    )

    responses = await council.responses_of(db, panel) if panel.response_published_at else {}
    blocks = []
    for number, item in enumerate(await recommendations.recommendations_of(db, panel), start=1):
        support = recommendations.support_of(item)
        chart = bar_chart(
            f"support-{number}",
            _("Votes on recommendation %(num)s") % {"num": number},
            [(_(recommendations.SCORE_LABELS[score]), support.counts[score - 1]) for score in (5, 4, 3, 2, 1)],
            language=language,
            label_heading=_("Answer"),
            value_heading=_("Votes"),
        )
        response = responses.get(item.id)
        blocks.append(
            RecommendationBlock(
                number=number,
                title=item.title,
                body=item.body,
                rationale=item.rationale,
                versions=len(item.versions),
                support=chart,
                votes=support.votes,
                share=_percent(support.share, language) if support.share is not None else "–",
                level={
                    "strong": _("Strongly supported"),
                    "supported": _("Supported"),
                    "not_supported": _("Not supported by a majority"),
                    "none": _("No votes"),
                }[support.level],
                minority_statements=tuple(statement.body for statement in item.minority_statements),
                decision=_(council.DECISION_LABELS[council.Decision(response.decision)]) if response else "",
                reasoning=response.reasoning if response else "",
                responsible_body=response.responsible_body if response else "",
                deadline=response.deadline if response else None,
                decision_reference=response.decision_reference if response else "",
                updates=tuple((update.on, update.text) for update in response.updates) if response else (),
            )
        )

    integrity: list[Fact] = []
    if invitation_draw is not None:
        integrity += [
            Fact(_("Invitation lottery: method"), invitation_draw.method),
            Fact(_("Invitation lottery: random value (seed)"), invitation_draw.seed),
            Fact(
                _("Invitation lottery: SHA-256 of the register's address ids"),
                _grouped(invitation_draw.register_sha256),
            ),
            Fact(_("Invitation lottery: SHA-256 of the drawn list"), _grouped(invitation_draw.drawn_sha256)),
            Fact(_("Invitation lottery: software"), f"pb {invitation_draw.software_version}"),
        ]
    replacements = await replacements_of(db, selection) if selection else []
    if selection is not None:
        versions = ", ".join(f"{name} {version}" for name, version in sorted(selection.versions.items()))
        integrity += [
            Fact(_("Selection: algorithm"), selection.algorithm),
            Fact(_("Selection: solver"), selection.solver),
            Fact(_("Selection: software versions"), versions),
            Fact(_("Selection: SHA-256 of the pool"), _grouped(selection.pool_sha256)),
            Fact(_("Selection: SHA-256 of the quotas"), _grouped(selection.quotas_sha256)),
            Fact(_("Selection: SHA-256 of pool, quotas and panel size"), _grouped(selection.instance_sha256)),
            Fact(_("Selection: SHA-256 of the list of panels"), _grouped(selection.lottery_sha256)),
            Fact(_("Selection: smallest selection probability"), _percent(selection.min_probability or 0, language)),
            Fact(_("Selection: public random value"), selection.random_value),
            Fact(_("Selection: where the value comes from"), selection.random_value_source),
            Fact(_("Selection: panel chosen from the list (counting from 0)"), str(selection.drawn_index)),
        ]
        integrity += [
            Fact(
                _("Replacement on %(date)s") % {"date": i18n.format_date(item.replaced_at, language)},
                f"{', '.join(item.added)} ← {item.dropped} (seed {item.seed}; SHA-256 {_grouped(item.panel_sha256)})",
            )
            for item in replacements
        ]
    title = _("Report of the citizens' panel: %(panel)s") % {"panel": panel.text("name", language)}
    return {
        "title": title,
        "subtitle": panel.text("remit", language),
        "report_date": day,
        "panel_name": panel.text("name", language),
        "remit": panel.text("remit", language),
        "description": panel.text("description", language),
        "commissioner": panel.commissioner,
        "first_session_on": panel.first_session_on,
        "last_session_on": panel.last_session_on,
        "panel_size": panel.size,
        "sessions": session_rows,
        "hours": i18n.format_number(round(hours, 1), language),
        "hearings": hearings,
        "funnel": funnel_chart,
        "composition": composition,
        "recommendations": tuple(blocks),
        "response_published_on": panel.response_published_at.date() if panel.response_published_at else None,
        "integrity": tuple(integrity),
        "replacements": len(replacements),
    }
