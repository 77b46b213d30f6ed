"""Reading the paper pages' forms: the register, a new batch, and one sheet as typed from paper."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pb.assisted.forms import Person, parse_identity_check, parse_person
from pb.paper.services import MAX_LABEL_LENGTH, MAX_SHEET_NUMBER_LENGTH, normalise_sheet_number
from pb.processes.models import BallotFormat, Budget, Process, Project
from pb.web.forms import Errors, Translate, clean_text

_SHEET = re.compile(r"[0-9A-Z-]+")


def parse_budget(raw: str | None, process: Process, errors: Errors, _: Translate) -> Budget | None:
    text = clean_text(raw)
    budget = next((budget for budget in process.budgets if str(budget.id) == text), None)
    if budget is None:
        errors.add("budget", _("Choose the budget."))
    return budget


def parse_sheet_number(raw: str | None, errors: Errors, _: Translate) -> str:
    number = normalise_sheet_number(clean_text(raw))
    if not number:
        errors.add("sheet", _("Enter the number printed on the sheet."))
    elif len(number) > MAX_SHEET_NUMBER_LENGTH or not _SHEET.fullmatch(number):
        errors.add("sheet", _("A sheet number has at most 20 digits, letters and dashes."))
    return number


@dataclass(frozen=True)
class Registration:
    budget: Budget
    sheet: str
    person: Person


def parse_registration(data: dict[str, str], process: Process, _: Translate) -> tuple[Registration | None, Errors]:
    errors = Errors()
    budget = parse_budget(data.get("budget"), process, errors, _)
    sheet = parse_sheet_number(data.get("sheet"), errors, _)
    parse_identity_check(data, errors, _)
    person = parse_person(data, errors, _)
    if errors or budget is None or person is None:
        return None, errors
    return Registration(budget, sheet, person), errors


@dataclass(frozen=True)
class NewBatch:
    budget: Budget
    label: str
    note: str


def parse_batch(data: dict[str, str], process: Process, _: Translate) -> tuple[NewBatch | None, Errors]:
    errors = Errors()
    budget = parse_budget(data.get("budget"), process, errors, _)
    label = " ".join(clean_text(data.get("label")).split())
    if not label:
        errors.add("label", _("Enter the label written on the envelope or box, for example Kirjasto 3."))
    elif len(label) > MAX_LABEL_LENGTH:
        errors.add("label", _("The label can be at most 80 characters long."))
    note = clean_text(data.get("note"))[:2000]
    if errors or budget is None:
        return None, errors
    return NewBatch(budget, label, note), errors


@dataclass(frozen=True)
class Sheet:
    number: str
    choices: dict[int, int]
    spoilt: bool


# The field names of the voting page's ballot form (see the design notes), so one ballot reads the same
# whether a person fills it in on screen or staff type it from paper.
FIELD_PREFIX = {BallotFormat.CUMULATIVE: "points", BallotFormat.RANKED: "rank"}


def parse_sheet(
    data: dict[str, str], lists: dict[str, list[str]], budget: Budget, projects: Sequence[Project], _: Translate
) -> tuple[Sheet | None, Errors]:
    """The choices as marked on the sheet. Whether they keep the budget's rules is decided by the service
    (a sheet that breaks them is spoilt); here only what cannot be a mark on paper is an error."""
    errors = Errors()
    number = parse_sheet_number(data.get("sheet"), errors, _)
    known = {project.id for project in projects}
    choices: dict[int, int] = {}
    prefix = FIELD_PREFIX.get(BallotFormat(budget.ballot_format))
    if prefix is None:
        for raw in lists.get("project", []):
            text = clean_text(raw)
            if text.isdigit() and int(text) in known:
                choices[int(text)] = 1
            else:
                errors.add("sheet", _("The form names a project that is not on this ballot. Reload the page."))
    else:
        for project in projects:
            name = f"{prefix}-{project.id}"
            text = clean_text(data.get(name))
            if not text:
                continue
            if not text.isdigit() or len(text) > 4:
                errors.add(name, _("Type the number written on the sheet, or leave the field empty."))
            elif int(text) > 0:
                choices[project.id] = int(text)
    spoilt = data.get("spoilt") == "yes"
    if errors:
        return None, errors
    return Sheet(number, choices, spoilt), errors
