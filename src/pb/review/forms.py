"""Review forms: decisions with official costs, internal notes, plans, assignments and ballot projects."""

from __future__ import annotations

import re

from pb.accounts.models import User
from pb.processes.models import Budget, Process
from pb.review.models import Feasibility
from pb.review.services import Decision, PlanDetails, ProjectDetails
from pb.web.forms import Errors, Translate, clean_text

MAX_REASON = 2_000
MAX_NOTE = 5_000
# A ceiling far above any municipality's budget that keeps amounts inside a 64-bit integer of cents.
MAX_CENTS = 10**13
# Euros as people type them in Finland, Sweden and elsewhere: "12 000", "12 000,50", "12000.5", "€ 1 200".
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_EUROS = re.compile(r"^(\d{1,11})(?:[.,](\d{1,2}))?$")


def parse_euros(raw: str | None) -> int | None:
    """Whole cents from a euro amount; None for an empty field. Raises ValueError for anything else."""
    text = _SPACES.sub("", clean_text(raw)).removesuffix("€").removeprefix("€").removesuffix("EUR")
    if not text:
        return None
    match = _EUROS.match(text)
    if match is None:
        raise ValueError(text)
    whole, fraction = match.groups()
    cents = int(whole) * 100 + int((fraction or "0").ljust(2, "0"))
    if cents > MAX_CENTS:
        raise ValueError(text)
    return cents


def _euros_field(data: dict[str, str], name: str, errors: Errors, _: Translate) -> int | None:
    try:
        return parse_euros(data.get(name))
    except ValueError:
        errors.add(name, _("Enter an amount in euros, for example 12 000 or 12 000,50."))
        return None


def parse_decision(data: dict[str, str], _: Translate) -> tuple[Decision, Errors]:
    errors = Errors()
    raw_feasibility = clean_text(data.get("feasibility"))
    feasibility = Feasibility.UNDECIDED
    if raw_feasibility in (Feasibility.FEASIBLE, Feasibility.NOT_FEASIBLE):
        feasibility = Feasibility(raw_feasibility)
    else:
        errors.add("feasibility", _("Choose whether the proposal is feasible."))
    reason = clean_text(data.get("public_reason"))
    if feasibility == Feasibility.NOT_FEASIBLE and not reason:
        # CONSUL requires an explanation for unfeasible investments; residents deserve to know why.
        errors.add("public_reason", _("Explain in public why the proposal is not feasible."))
    elif len(reason) > MAX_REASON:
        errors.add("public_reason", _("The reason can be at most 2000 characters long."))
    low = _euros_field(data, "cost_min", errors, _)
    high = _euros_field(data, "cost_max", errors, _)
    if high is not None and low is None and "cost_min" not in errors.messages:
        errors.add("cost_min", _("Enter the lower end of the range, or only an exact amount in this field."))
    if low is not None and high is not None and low > high:
        errors.add("cost_max", _("The upper end of the range cannot be below the lower end."))
    if low is not None and high is None:
        high = low
    return Decision(feasibility, reason, low, high if low is not None else None), errors


def parse_note(data: dict[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    body = clean_text(data.get("body"))
    if not body:
        errors.add("body", _("Write the note."))
    elif len(body) > MAX_NOTE:
        errors.add("body", _("A note can be at most 5000 characters long."))
    return body, errors


def parse_ids(values: list[str]) -> list[int]:
    return sorted({int(value) for value in values if value.isdigit() and len(value) < 10})


def parse_selection(values: list[str], errors: Errors, _: Translate, *, minimum: int = 1) -> list[int]:
    ids = parse_ids(values)
    if len(ids) < minimum:
        message = _("Choose at least two proposals.") if minimum > 1 else _("Choose at least one proposal.")
        errors.add("proposals", message)
    return ids


def parse_reviewer(raw: str | None, candidates: list[User], errors: Errors, _: Translate) -> User | None:
    wanted = clean_text(raw)
    found = next((user for user in candidates if str(user.id) == wanted), None)
    if found is None:
        errors.add("reviewer", _("Choose a reviewer from the list."))
    return found


def parse_budget(raw: str | None, process: Process, errors: Errors, _: Translate) -> Budget | None:
    wanted = clean_text(raw)
    found = next((budget for budget in process.budgets if str(budget.id) == wanted), None)
    if found is None:
        errors.add("budget", _("Choose a budget from the list."))
    return found


def _choice(raw: str | None, allowed: set[int], errors: Errors, name: str, message: str) -> int | None:
    text = clean_text(raw)
    if not text:
        return None
    if text.isdigit() and int(text) in allowed:
        return int(text)
    errors.add(name, message)
    return None


def parse_plan(data: dict[str, str], process: Process, _: Translate) -> tuple[PlanDetails, Errors]:
    errors = Errors()
    title = " ".join(clean_text(data.get("title")).split())
    if not title:
        errors.add("title", _("Give the plan a title."))
    elif len(title) > 150:
        errors.add("title", _("The title can be at most 150 characters long."))
    summary = " ".join(clean_text(data.get("summary")).split())
    if not summary:
        errors.add("summary", _("Write a short summary."))
    elif len(summary) > 500:
        errors.add("summary", _("The summary can be at most 500 characters long."))
    body = clean_text(data.get("body"))
    if not body:
        errors.add("body", _("Describe the plan."))
    district_id = _choice(
        data.get("district"),
        {district.district_id for district in process.districts},
        errors,
        "district",
        _("Choose a district from the list."),
    )
    theme_id = _choice(
        data.get("theme"), {theme.id for theme in process.themes}, errors, "theme", _("Choose a theme from the list.")
    )
    return PlanDetails(title, summary, body, district_id, theme_id), errors


def parse_project(data: dict[str, str], _: Translate) -> tuple[ProjectDetails, Errors]:
    errors = Errors()
    title = " ".join(clean_text(data.get("title")).split())
    if not title:
        errors.add("title", _("Give the project a title."))
    elif len(title) > 200:
        errors.add("title", _("The title can be at most 200 characters long."))
    summary = clean_text(data.get("summary"))
    if len(summary) > 2_000:
        errors.add("summary", _("The summary can be at most 2000 characters long."))
    cost = _euros_field(data, "cost", errors, _)
    if cost is None and "cost" not in errors.messages:
        errors.add("cost", _("Enter the cost in euros."))
    elif cost == 0:
        errors.add("cost", _("The cost must be more than zero."))
    return ProjectDetails(title, summary, cost or 0), errors


def euros_text(cents: int | None) -> str:
    """A stored amount back in a form field ("12000" or "12000,50"), so a re-opened form shows what was saved."""
    if cents is None:
        return ""
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"
