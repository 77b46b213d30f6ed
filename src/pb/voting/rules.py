"""The rules a ballot must keep, per ballot format. Pure: plain data in, problems out; no web, no database.

The server is the authority: the voting page shows the same problems before submitting, but a ballot is stored
only when `problems()` returns none (issue 4: "the rules of the ballot are enforced on the server").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pb.i18n import N_


class Format(StrEnum):
    APPROVAL = "approval"
    K_APPROVAL = "k_approval"
    CUMULATIVE = "cumulative"
    RANKED = "ranked"


@dataclass(frozen=True)
class BallotRules:
    """A budget's ballot: its format and limits. Money in euro cents.

    - approval: any projects whose total cost is at most `budget_cents`; optionally at least `min_spend_percent`
      of the budget, and between `min_choices` and `max_choices` projects.
    - k_approval: between 1 (or `min_choices`) and `max_choices` (k) projects; cost does not limit.
    - cumulative: whole points, in all at most `points_total` (P), at most `points_per_project` (m) each.
    - ranked: up to `max_choices` (k) projects in order 1, 2, 3, ... without gaps or repeats.
    """

    format: Format
    budget_cents: int
    min_spend_percent: int = 0
    min_choices: int | None = None
    max_choices: int | None = None
    points_total: int | None = None
    points_per_project: int | None = None

    def settings_problems(self) -> list[Problem]:
        """Whether an admin's settings make a ballot that can be filled in at all."""
        found: list[Problem] = []
        if self.format in (Format.K_APPROVAL, Format.RANKED) and not (self.max_choices and self.max_choices >= 1):
            found.append(Problem("max_choices", N_("Give the largest number of projects a voter may choose.")))
        if self.format == Format.CUMULATIVE:
            if not (self.points_total and self.points_total >= 1):
                found.append(Problem("points_total", N_("Give the number of points each voter distributes.")))
            if not (self.points_per_project and self.points_per_project >= 1):
                found.append(Problem("points_per_project", N_("Give the most points one project may get.")))
        if not 0 <= self.min_spend_percent <= 100:
            found.append(Problem("min_spend_percent", N_("The share of the budget must be between 0 and 100 %.")))
        if self.min_choices is not None and self.max_choices is not None and self.min_choices > self.max_choices:
            found.append(
                Problem("min_choices", N_("The smallest number of projects is larger than the largest number."))
            )
        return found


@dataclass(frozen=True)
class Problem:
    """A rule the ballot breaks. `message` is an untranslated msgid with %(name)s placeholders; the parameter
    `amount` is money in euro cents, to be shown in the reader's number format."""

    code: str
    message: str
    params: Mapping[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """What the voting page shows next to the choices: the running total and what is left."""

    chosen: int
    spent_cents: int
    remaining_cents: int
    points_used: int
    points_left: int | None


# A ballot's choices: project id -> value. Approval formats use 1, cumulative the points (> 0), ranked the rank.
Choices = Mapping[int, int]


def summary(rules: BallotRules, costs: Mapping[int, int], choices: Choices) -> Summary:
    spent = sum(costs.get(project, 0) for project in choices)
    points = sum(choices.values()) if rules.format == Format.CUMULATIVE else 0
    left = (rules.points_total or 0) - points if rules.format == Format.CUMULATIVE else None
    return Summary(len(choices), spent, rules.budget_cents - spent, points, left)


def problems(rules: BallotRules, costs: Mapping[int, int], choices: Choices) -> list[Problem]:
    """Every rule the ballot breaks; empty when it may be cast. `costs` holds the projects on this ballot."""
    unknown = [project for project in choices if project not in costs]
    if unknown:
        # Only a tampered or stale form can name a project that is not on this ballot.
        return [Problem("unknown", N_("The ballot names a project that is not on this ballot. Reload the page."))]
    if not choices:
        return [Problem("empty", N_("Choose at least one project."))]
    if rules.format == Format.APPROVAL:
        return _approval(rules, costs, choices)
    if rules.format == Format.K_APPROVAL:
        return _counts(rules, choices, default_min=1)
    if rules.format == Format.CUMULATIVE:
        return _cumulative(rules, choices)
    return _ranked(rules, choices)


def _counts(rules: BallotRules, choices: Choices, *, default_min: int) -> list[Problem]:
    found: list[Problem] = []
    least = rules.min_choices if rules.min_choices is not None else default_min
    if len(choices) < least:
        found.append(Problem("too_few", N_("Choose at least %(num)s projects."), {"num": least}))
    if rules.max_choices is not None and len(choices) > rules.max_choices:
        found.append(Problem("too_many", N_("Choose at most %(num)s projects."), {"num": rules.max_choices}))
    if any(value != 1 for value in choices.values()):
        found.append(Problem("value", N_("A project is either chosen or not.")))
    return found


def _approval(rules: BallotRules, costs: Mapping[int, int], choices: Choices) -> list[Problem]:
    found = _counts(rules, choices, default_min=1)
    spent = sum(costs[project] for project in choices)
    if spent > rules.budget_cents:
        found.append(
            Problem(
                "over_budget",
                N_("The chosen projects cost %(amount)s more than the budget. Remove some projects."),
                {"amount": spent - rules.budget_cents},
            )
        )
    # The minimum spend is a share of the budget, compared exactly in whole cents: spent/budget >= percent/100.
    if rules.min_spend_percent and spent * 100 < rules.budget_cents * rules.min_spend_percent:
        found.append(
            Problem(
                "under_spent",
                N_("Choose projects worth at least %(percent)s %% of the budget."),
                {"percent": rules.min_spend_percent},
            )
        )
    return found


def _cumulative(rules: BallotRules, choices: Choices) -> list[Problem]:
    found: list[Problem] = []
    if any(value < 1 for value in choices.values()):
        found.append(Problem("value", N_("Points are whole numbers from 1 up.")))
    most = rules.points_per_project or 0
    if any(value > most for value in choices.values()):
        found.append(Problem("per_project", N_("Give one project at most %(num)s points."), {"num": most}))
    total = rules.points_total or 0
    if sum(choices.values()) > total:
        found.append(Problem("points_total", N_("Distribute at most %(num)s points in all."), {"num": total}))
    if rules.max_choices is not None and len(choices) > rules.max_choices:
        found.append(Problem("too_many", N_("Choose at most %(num)s projects."), {"num": rules.max_choices}))
    return found


def _ranked(rules: BallotRules, choices: Choices) -> list[Problem]:
    found: list[Problem] = []
    ranks = sorted(choices.values())
    if ranks != list(range(1, len(ranks) + 1)):
        found.append(Problem("ranks", N_("Number your choices 1, 2, 3 … without gaps or repeats.")))
    if rules.max_choices is not None and len(choices) > rules.max_choices:
        found.append(Problem("too_many", N_("Rank at most %(num)s projects."), {"num": rules.max_choices}))
    least = rules.min_choices or 1
    if len(choices) < least:
        found.append(Problem("too_few", N_("Rank at least %(num)s projects."), {"num": least}))
    return found
