"""Results forms: the count (rule and threshold), a funded project's status and cost, a progress note, a Pabulib
file to import and a rule for a stability analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pb.counting.pabulib import PabulibError
from pb.counting.rules import CLI_NAMES
from pb.results.models import ImplementationStatus
from pb.results.pabulib_import import MAX_FILE_BYTES, ImportedFile, summarise
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


@dataclass(frozen=True)
class Upload:
    file_name: str
    data: bytes
    imported: ImportedFile | None


def parse_pabulib_upload(data: bytes, file_name: str, _: Translate) -> tuple[Upload, Errors]:
    """An uploaded Pabulib file, parsed; on any problem a message for the file field and nothing parsed.

    CPU work for a large file: call it in a worker thread.
    """
    errors = Errors()
    # The name is shown and sent back in a Content-Disposition header: letters, digits, ".", "-", "_" only.
    name = re.sub(r"[^\w.-]+", "_", clean_text(file_name).rsplit("/", 1)[-1].rsplit("\\", 1)[-1], flags=re.ASCII)[:255]
    name = name.strip("._") or "election.pb"
    imported: ImportedFile | None = None
    if not data:
        errors.add("pabulib_file", _("Choose the Pabulib file (.pb) to import."))
    elif len(data) > MAX_FILE_BYTES:
        errors.add(
            "pabulib_file",
            _("The file is larger than %(size)s MB, the most pb imports. Nothing was imported.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        )
    else:
        try:
            imported = summarise(data, name)
        except PabulibError as error:
            # The parser's own words name the line and the problem (pb.counting.pabulib); they are in English.
            if error.line:
                message = _("This is not a valid Pabulib file, so nothing was imported. Line %(line)s: %(problem)s")
            else:
                message = _("This is not a valid Pabulib file, so nothing was imported: %(problem)s")
            errors.add("pabulib_file", message % {"line": error.line, "problem": error.problem})
    return Upload(name, data, imported), errors


def parse_rule(data: dict[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    rule = clean_text(data.get("rule"))
    if rule not in CLI_NAMES:
        errors.add("rule", _("Choose a counting rule."))
    return rule, errors
