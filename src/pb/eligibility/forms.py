"""Eligibility forms: the voting settings, the census CSV, the resident's census check and the voting codes.

Each parser turns raw form text (or the uploaded file) into typed values and messages per field, already in the
user's language. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pb.processes.models import Budget, BudgetRule, VotingMethod
from pb.voting import rules
from pb.voting.secrecy import normalise_identifier
from pb.web.forms import Errors, Translate, clean_text

# A Finnish personal identity code has 11 characters; other identifiers (foreign residents' numbers) are short
# too. The limit only stops pasted garbage.
MAX_IDENTIFIER_LENGTH = 40
MAX_AGE = 120
# The letters PDF is made while the admin waits (pb.eligibility.services.letters_pdf): WeasyPrint lays out about
# five letters a second (measured: 200 letters in 39 s on the 2-core development machine), so a batch stays well
# inside a proxy's usual 60-second timeout; larger mailings are several batches.
MAX_LETTERS_PER_BATCH = 100
# Shown on the census page; a file with more problems than this shows the first ones and a count of the rest.
SHOWN_LINE_ERRORS = 50
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_date(raw: str | None) -> date | None:
    """A date as YYYY-MM-DD (ISO 8601, what spreadsheets export) or D.M.YYYY (how Finns write it)."""
    text = clean_text(raw)
    iso = _ISO_DATE.match(text)
    finnish = _FINNISH_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if finnish:
            return date(int(finnish.group(3)), int(finnish.group(2)), int(finnish.group(1)))
    except ValueError:
        return None
    return None


def _whole_number(raw: str | None, errors: Errors, name: str, _: Translate, *, most: int) -> int | None:
    text = clean_text(raw).replace(" ", "")
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > most:
        errors.add(name, _("Enter a whole number from 0 to %(most)s.") % {"most": most})
        return None
    return int(text)


# --- voting settings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotSettings:
    """One budget's ballot format and the limits that format uses (the others are cleared)."""

    ballot_format: rules.Format
    min_spend_percent: int = 0
    min_choices: int | None = None
    max_choices: int | None = None
    points_total: int | None = None
    points_per_project: int | None = None

    def apply(self, budget: Budget) -> None:
        budget.ballot_format = self.ballot_format
        budget.min_spend_percent = self.min_spend_percent
        budget.min_choices = self.min_choices
        budget.max_choices = self.max_choices
        budget.points_total = self.points_total
        budget.points_per_project = self.points_per_project


# Which limits each format reads (pb.voting.rules); a limit the format ignores is not kept, so that switching a
# budget from cumulative to approval leaves no stale points behind.
FORMAT_LIMITS: dict[rules.Format, tuple[str, ...]] = {
    rules.Format.APPROVAL: ("min_spend_percent", "min_choices", "max_choices"),
    rules.Format.K_APPROVAL: ("min_choices", "max_choices"),
    rules.Format.CUMULATIVE: ("points_total", "points_per_project", "max_choices"),
    rules.Format.RANKED: ("min_choices", "max_choices"),
}
LIMIT_FIELDS = ("min_spend_percent", "min_choices", "max_choices", "points_total", "points_per_project")


@dataclass(frozen=True)
class VotingSettings:
    minimum_age: int
    budget_rule: BudgetRule
    voting_methods: list[VotingMethod]
    ballots: dict[int, BallotSettings]  # budget id -> settings


def budget_field(name: str, budget_id: int) -> str:
    return f"{name}_{budget_id}"


def parse_voting_settings(
    form: Mapping[str, Sequence[str]], _: Translate, budgets: Sequence[Budget]
) -> tuple[VotingSettings, Errors]:
    def first(name: str) -> str:
        values = form.get(name) or [""]
        return values[0]

    errors = Errors()
    minimum_age = _whole_number(first("minimum_age"), errors, "minimum_age", _, most=MAX_AGE)
    if minimum_age is None and "minimum_age" not in errors.messages:
        errors.add("minimum_age", _("Enter the minimum age, for example 12."))
    rule_text = clean_text(first("budget_rule"))
    if rule_text not in BudgetRule.__members__.values():
        errors.add("budget_rule", _("Choose which budgets a voter votes in."))
    methods = [VotingMethod(value) for value in VotingMethod if value in set(form.get("voting_methods", []))]
    if not methods:
        errors.add("voting_methods", _("Choose at least one way to vote."))
    elif VotingMethod.CENSUS in methods and VotingMethod.CENSUS_AND_CODE in methods:
        # With both, the census check alone would admit a resident and the code would protect nothing.
        errors.add(
            "voting_methods",
            _("Choose either the census check alone or the census check with the letter's code, not both."),
        )
    ballots: dict[int, BallotSettings] = {}
    for budget in budgets:
        format_name = budget_field("ballot_format", budget.id)
        format_text = clean_text(first(format_name))
        if format_text not in rules.Format.__members__.values():
            errors.add(format_name, _("Choose the ballot format."))
            continue
        ballot_format = rules.Format(format_text)
        used = FORMAT_LIMITS[ballot_format]
        limits: dict[str, int | None] = {}
        for limit in LIMIT_FIELDS:
            name = budget_field(limit, budget.id)
            most = 100 if limit == "min_spend_percent" else 10_000
            value = _whole_number(first(name), errors, name, _, most=most)
            limits[limit] = value if limit in used else None
        settings = BallotSettings(
            ballot_format=ballot_format,
            min_spend_percent=limits["min_spend_percent"] or 0,
            min_choices=limits["min_choices"],
            max_choices=limits["max_choices"],
            points_total=limits["points_total"],
            points_per_project=limits["points_per_project"],
        )
        checked = rules.BallotRules(
            format=ballot_format,
            budget_cents=budget.amount_cents,
            min_spend_percent=settings.min_spend_percent,
            min_choices=settings.min_choices,
            max_choices=settings.max_choices,
            points_total=settings.points_total,
            points_per_project=settings.points_per_project,
        )
        for problem in checked.settings_problems():
            errors.add(budget_field(problem.code, budget.id), _(problem.message) % dict(problem.params))
        ballots[budget.id] = settings
    settings_out = VotingSettings(
        minimum_age=minimum_age or 0,
        budget_rule=BudgetRule(rule_text) if rule_text in BudgetRule.__members__.values() else BudgetRule.ALL,
        voting_methods=methods,
        ballots=ballots,
    )
    return settings_out, errors


# --- the census CSV ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusRow:
    identifier: str
    birth_date: date
    district_id: int


@dataclass
class CensusFile:
    """A parsed census: its rows only when every line was valid, and the problems by line number."""

    digest: str
    rows: list[CensusRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)  # about the whole file
    line_errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.line_errors


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        # One column or an unusual first lines: Excel in a Finnish locale writes semicolons, others commas.
        return csv.excel if sample.count(",") >= sample.count(";") else _Semicolon


class _Semicolon(csv.excel):
    delimiter = ";"


def parse_census(raw: bytes, districts_by_code: Mapping[str, int], today: date, _: Translate) -> CensusFile:
    """Reads "identifier, birth date, district code" lines. A first line that is not a person (no date, no known
    district) is taken as the column headings. Every problem is reported with its line number."""
    result = CensusFile(digest=hashlib.sha256(raw).hexdigest())
    try:
        # "utf-8-sig" drops the byte order mark Excel writes at the start of a "CSV UTF-8" file.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.file_errors.append(_("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."))
        return result
    if not text.strip():
        result.file_errors.append(_("The file is empty."))
        return result
    codes = {code.strip().lower(): district_id for code, district_id in districts_by_code.items()}
    seen: dict[str, int] = {}
    first_row = True
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        for cells in reader:
            line = reader.line_num
            values = [clean_text(cell) for cell in cells]
            # Spreadsheets add empty trailing cells and empty lines; neither is a problem.
            while values and not values[-1]:
                values.pop()
            if not values:
                continue
            is_first, first_row = first_row, False
            if len(values) != 3:
                if is_first and len(values) < 3:
                    result.file_errors.append(
                        _("Each line needs three columns: identifier, birth date and district code.")
                    )
                    return result
                message = _("The line has %(num)s columns; it needs three: identifier, birth date and district code.")
                result.line_errors.append((line, message % {"num": len(values)}))
                continue
            identifier, birth_text, district_text = values
            birth_date = parse_date(birth_text)
            district_id = codes.get(district_text.lower())
            if is_first and birth_date is None and district_id is None:
                continue  # the headings
            problems: list[str] = []
            normalised = normalise_identifier(identifier)
            if not normalised:
                problems.append(_("The identifier is missing."))
            elif len(normalised) > MAX_IDENTIFIER_LENGTH:
                problems.append(_("The identifier is longer than %(num)s characters.") % {"num": MAX_IDENTIFIER_LENGTH})
            elif normalised in seen:
                problems.append(_("The same identifier is also on line %(line)s.") % {"line": seen[normalised]})
            if birth_date is None:
                problems.append(_("The birth date must be written as YYYY-MM-DD or D.M.YYYY."))
            elif birth_date > today:
                problems.append(_("The birth date is in the future."))
            if district_id is None:
                problems.append(
                    _("“%(code)s” is not the code of a district of this round.") % {"code": district_text[:40]}
                )
            if problems:
                result.line_errors.append((line, " ".join(problems)))
                continue
            assert birth_date is not None and district_id is not None
            seen[normalised] = line
            result.rows.append(CensusRow(identifier, birth_date, district_id))
    except csv.Error:
        result.file_errors.append(_("The file could not be read as CSV (line %(line)s).") % {"line": reader.line_num})
    if not result.is_valid:
        result.rows = []
    elif not result.rows:
        result.file_errors.append(_("The file has no residents."))
    return result


# --- the resident's census check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProofForm:
    identifier: str
    birth_date: date | None
    code: str


def parse_proof(data: Mapping[str, str], _: Translate, *, needs_code: bool) -> tuple[ProofForm, Errors]:
    errors = Errors()
    identifier = clean_text(data.get("identifier"))
    if not identifier:
        errors.add("identifier", _("Enter your personal identity code."))
    elif len(normalise_identifier(identifier)) > MAX_IDENTIFIER_LENGTH:
        errors.add("identifier", _("Check your personal identity code: it is too long."))
    birth_text = clean_text(data.get("birth_date"))
    birth_date = parse_date(birth_text)
    if not birth_text:
        errors.add("birth_date", _("Enter your date of birth."))
    elif birth_date is None:
        errors.add("birth_date", _("Enter the date as D.M.YYYY, for example 15.5.1990."))
    code = clean_text(data.get("code"))[:40]
    if needs_code and not code:
        errors.add("code", _("Enter the voting code from your letter."))
    return ProofForm(identifier, birth_date, code), errors


# --- voting codes ------------------------------------------------------------------------------------------


def parse_code_counts(
    data: Mapping[str, str], _: Translate, district_ids: Sequence[int]
) -> tuple[dict[int, int], Errors]:
    """Letters per district for a new batch."""
    errors = Errors()
    counts: dict[int, int] = {}
    for district_id in district_ids:
        name = f"count_{district_id}"
        value = _whole_number(data.get(name), errors, name, _, most=MAX_LETTERS_PER_BATCH)
        if value:
            counts[district_id] = value
    if not errors and not counts:
        errors.add("counts", _("Enter the number of letters for at least one district."))
    elif not errors and sum(counts.values()) > MAX_LETTERS_PER_BATCH:
        errors.add(
            "counts",
            _("A batch can have at most %(num)s letters. Make several batches.") % {"num": MAX_LETTERS_PER_BATCH},
        )
    return counts, errors


def parse_lost(data: Mapping[str, str], _: Translate) -> tuple[tuple[int, int], Errors]:
    """The batch and letter number printed on a lost letter."""
    errors = Errors()
    numbers: list[int] = []
    for name in ("batch", "serial"):
        text = clean_text(data.get(name))
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 10**6:
            errors.add(name, _("Enter the number printed on the letter."))
            numbers.append(0)
        else:
            numbers.append(int(text))
    return (numbers[0], numbers[1]), errors
