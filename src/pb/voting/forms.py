"""Reading the voting forms: a ballot's choices per format, the project filter, a voting code, a receipt code.

Parsing only checks that values are what the form can send (whole numbers, known field names); the rules of
the ballot are pb.voting.rules, and their problems are turned into messages here, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pb import i18n
from pb.i18n import N_
from pb.processes.models import Project
from pb.voting import rules
from pb.voting.rules import Format
from pb.voting.secrecy import normalise_code
from pb.web.forms import Errors, Translate, clean_text

# The field that holds the ballot as a whole (the fieldset of projects): rule problems are shown there.
CHOICES_FIELD = "choices"
PROJECT_FIELD = "project"  # approval and k-approval: one checkbox per project, value = project id
POINTS_PREFIX = "points-"  # cumulative: points-<project id>
RANK_PREFIX = "rank-"  # ranked: rank-<project id>
# No real ballot value is this large; bigger numbers are typing mistakes or tampering, not a rule question.
MAX_VALUE = 1000


class Step(StrEnum):
    """What a no-JavaScript post of the ballot form asks for."""

    UPDATE = "update"  # recount the total (the "Update total" button)
    FILTER = "filter"  # apply the project search and order, keeping the choices
    REVIEW = "review"  # check the rules and show the review step
    EDIT = "edit"  # back from the review step to the choices


def parse_step(raw: str | None) -> Step:
    try:
        return Step(clean_text(raw))
    except ValueError:
        return Step.UPDATE


def field_name(format: Format, project_id: int) -> str:
    """The form field of one project on this ballot."""
    if format == Format.CUMULATIVE:
        return f"{POINTS_PREFIX}{project_id}"
    if format == Format.RANKED:
        return f"{RANK_PREFIX}{project_id}"
    return PROJECT_FIELD


def parse_choices(format: Format, data: Mapping[str, Sequence[str]], _: Translate) -> tuple[dict[int, int], Errors]:
    """The ballot's choices (project id -> 1, points or rank) and the fields that hold no usable number."""
    errors = Errors()
    choices: dict[int, int] = {}
    if format in (Format.APPROVAL, Format.K_APPROVAL):
        for value in data.get(PROJECT_FIELD, []):
            text = clean_text(value)
            # A value that is no number can only come from a tampered form; -1 is a project on no ballot,
            # so pb.voting.rules reports it as such.
            choices[int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1] = 1
        return choices, errors
    prefix = POINTS_PREFIX if format == Format.CUMULATIVE else RANK_PREFIX
    for name, values in data.items():
        if not name.startswith(prefix) or not values:
            continue
        suffix = name.removeprefix(prefix)
        project = int(suffix) if suffix.isascii() and suffix.isdigit() and len(suffix) < 10 else -1
        text = clean_text(values[0])
        if not text:
            continue
        if not (text.isascii() and text.isdigit()) or int(text) > MAX_VALUE:
            if format == Format.CUMULATIVE:
                errors.add(name, _("Enter the points as a whole number, for example 2, or leave the field empty."))
            else:
                errors.add(name, _("Choose a place in the order from the list."))
            continue
        number = int(text)
        if number == 0:
            # Zero points (or place 0) means "not chosen", as an empty field does.
            continue
        choices[project] = number
    return choices, errors


def problem_text(problem: rules.Problem, _: Translate, language: str) -> str:
    """A rule problem in the reader's language, with money in the reader's number format."""
    params: dict[str, int | str] = dict(problem.params)
    if "amount" in params:
        params["amount"] = i18n.format_euros(int(params["amount"]), language)
    return _(problem.message) % params


def rule_errors(
    format: Format,
    problems: Sequence[rules.Problem],
    choices: Mapping[int, int],
    limits: rules.BallotRules,
    _: Translate,
    language: str,
) -> Errors:
    """Rule problems as field errors (WCAG 2.1 SC 3.3.1): problems of the whole ballot next to the fieldset of
    projects, and too many points also next to each project that has too many."""
    errors = Errors()
    if problems:
        errors.add(CHOICES_FIELD, " ".join(problem_text(problem, _, language) for problem in problems))
    if format == Format.CUMULATIVE and any(problem.code == "per_project" for problem in problems):
        most = limits.points_per_project or 0
        for project, points in choices.items():
            if points > most:
                errors.add(field_name(format, project), _("Give this project at most %(num)s points.") % {"num": most})
    return errors


# --- the project filter --------------------------------------------------------------------------------------


class Sort(StrEnum):
    BALLOT = ""  # the ballot's own order
    TITLE = "title"
    COST_LOW = "cost"
    COST_HIGH = "-cost"


SORT_LABELS = {
    Sort.BALLOT: N_("Ballot order"),
    Sort.TITLE: N_("Title A–Z"),
    Sort.COST_LOW: N_("Cheapest first"),
    Sort.COST_HIGH: N_("Most expensive first"),
}


@dataclass(frozen=True)
class ProjectFilter:
    search: str = ""
    sort: Sort = Sort.BALLOT

    @property
    def active(self) -> bool:
        return bool(self.search) or self.sort != Sort.BALLOT

    def apply(self, projects: Sequence[Project]) -> list[Project]:
        words = self.search.casefold().split()
        shown = [
            project
            for project in projects
            if all(word in f"{project.title} {project.summary}".casefold() for word in words)
        ]
        if self.sort == Sort.TITLE:
            shown.sort(key=lambda project: project.title.casefold())
        elif self.sort == Sort.COST_LOW:
            shown.sort(key=lambda project: (project.cost_cents, project.id))
        elif self.sort == Sort.COST_HIGH:
            shown.sort(key=lambda project: (-project.cost_cents, project.id))
        return shown


def parse_filter(search: str | None, sort: str | None) -> ProjectFilter:
    text = " ".join(clean_text(search).split())[:100]
    try:
        order = Sort(clean_text(sort))
    except ValueError:
        order = Sort.BALLOT
    return ProjectFilter(text, order)


# --- codes -----------------------------------------------------------------------------------------------------


def parse_voting_code(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    code = clean_text(data.get("code"))[:40]
    if not normalise_code(code):
        errors.add("code", _("Enter the voting code from your letter."))
    return code, errors


def parse_receipt(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    receipt = clean_text(data.get("receipt"))[:40]
    if not receipt:
        errors.add("receipt", _("Enter the receipt code you got when you voted."))
    elif len(normalise_code(receipt)) != 16:
        errors.add("receipt", _("A receipt code has 16 letters and digits, for example ABCD-EFGH-JKMN-PQRS."))
    return receipt, errors


def parse_wants_email(data: Mapping[str, str]) -> bool:
    return clean_text(data.get("email_summary")) == "yes"
