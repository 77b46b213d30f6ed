"""Results forms: the count (rule and threshold), a funded project's status and cost, a progress note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pb.counting.rules import CLI_NAMES
from pb.results.models import ImplementationStatus
from pb.review.forms import parse_euros
from pb.web.forms import Errors, Translate, clean_text

MAX_REASON = 2_000
MAX_NOTE = 5_000
MAX_THRESHOLD = 10**9


@dataclass(frozen=True)
class CountChoice:
    rule: str
    threshold: int | None


def parse_count(data: dict[str, str], _: Translate) -> tuple[CountChoice, Errors]:
    errors = Errors()
    rule = clean_text(data.get("rule"))
    if rule not in CLI_NAMES:
        errors.add("rule", _("Choose a counting rule."))
    raw = clean_text(data.get("threshold")).replace(" ", "")
    threshold: int | None = None
    if raw:
        if raw.isdigit() and int(raw) <= MAX_THRESHOLD:
            threshold = int(raw)
        else:
            errors.add("threshold", _("Enter the minimum number of votes as a whole number, for example 50."))
    elif rule == "greedy-threshold":
        errors.add("threshold", _("Give the minimum number of votes for the rule with a threshold."))
    return CountChoice(rule, threshold), errors


@dataclass(frozen=True)
class ImplementationDetails:
    status: ImplementationStatus
    cancel_reason: str
    actual_cost_cents: int | None


def parse_implementation(data: dict[str, str], _: Translate) -> tuple[ImplementationDetails, Errors]:
    errors = Errors()
    raw_status = clean_text(data.get("status"))
    status = ImplementationStatus.PLANNED
    if raw_status in set(ImplementationStatus):
        status = ImplementationStatus(raw_status)
    else:
        errors.add("status", _("Choose the project's status."))
    reason = clean_text(data.get("cancel_reason"))
    if status == ImplementationStatus.CANCELLED and not reason:
        errors.add("cancel_reason", _("Tell residents why the project was cancelled."))
    elif len(reason) > MAX_REASON:
        errors.add("cancel_reason", _("Write at most %(count)s characters.") % {"count": MAX_REASON})
    cost: int | None = None
    try:
        cost = parse_euros(data.get("actual_cost"))
    except ValueError:
        errors.add("actual_cost", _("Enter an amount in euros, for example 12 000 or 12 000,50."))
    return ImplementationDetails(status, reason, cost), errors


@dataclass(frozen=True)
class NoteDetails:
    day: date
    text: str


def parse_note(data: dict[str, str], today: date, _: Translate) -> tuple[NoteDetails, Errors]:
    errors = Errors()
    raw_day = clean_text(data.get("day"))
    day = today
    try:
        day = date.fromisoformat(raw_day)
    except ValueError:
        errors.add("day", _("Enter the date as on a calendar, for example 2026-05-31."))
    text = clean_text(data.get("text"))
    if not text:
        errors.add("text", _("Write what has happened."))
    elif len(text) > MAX_NOTE:
        errors.add("text", _("Write at most %(count)s characters.") % {"count": MAX_NOTE})
    return NoteDetails(day, text), errors
