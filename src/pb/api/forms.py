"""Reading the open data API's query parameters and path values into typed filters, or a list of problems.

Every value arrives as text and is checked here, never by the framework: a wrong value is a 400 with a message
naming the parameter (a JSON problem object, RFC 9457), and an id that cannot exist is a 404, never a 500.
Unknown parameters are ignored, as most HTTP APIs do (a cache-busting `?_=...` must not break a client).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from pb.db import MAX_ID
from pb.panels.council import Decision
from pb.processes.models import PhaseKind
from pb.processes.services import midnight
from pb.proposals.models import PUBLIC_STATUSES
from pb.results.models import ImplementationStatus

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Offsets past this are refused: a client pages with links.next, not by jumping a billion rows ahead.
MAX_OFFSET = 1_000_000
MAX_SLUG_LENGTH = 80
CITY_WIDE = "city"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DIGITS = re.compile(r"^[0-9]{1,10}$")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Problem:
    parameter: str
    message: str


class InvalidParameters(Exception):
    """One or more query parameters have values the API cannot use (answered with 400)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{problem.parameter}: {problem.message}" for problem in problems))
        self.problems = tuple(problems)


class ProjectStatus(StrEnum):
    ON_BALLOT = "on_ballot"  # the budget has no published result yet
    FUNDED = "funded"  # selected by the budget's published result
    NOT_FUNDED = "not_funded"


@dataclass(frozen=True)
class Window:
    """One page of a list: at most ``limit`` items from position ``offset`` (0-based)."""

    limit: int
    offset: int


@dataclass
class Query:
    """The request's query parameters (every value of each name), read one by one; problems are collected so
    that a client learns about every wrong parameter at once."""

    values: Mapping[str, list[str]]
    problems: list[Problem] = field(default_factory=list)

    def text(self, name: str) -> str | None:
        found = self.values.get(name) or []
        if len(found) > 1:
            self.problems.append(Problem(name, "Give this parameter once."))
            return None
        # An empty value is a value: "limit=" is as wrong as "limit=x" (the document says what each takes).
        return found[0] if found else None

    def whole_number(self, name: str, *, minimum: int, maximum: int, default: int | None) -> int | None:
        raw = self.text(name)
        if raw is None:
            return default
        if not _DIGITS.match(raw) or not minimum <= int(raw) <= maximum:
            self.problems.append(Problem(name, f"Give a whole number from {minimum} to {maximum}."))
            return default
        return int(raw)

    def identifier(self, name: str) -> int | None:
        return self.whole_number(name, minimum=1, maximum=MAX_ID, default=None)

    def choice(self, name: str, allowed: Iterable[str]) -> str | None:
        options = sorted(allowed)
        raw = self.text(name)
        if raw is not None and raw not in options:
            self.problems.append(Problem(name, f"Give one of: {', '.join(options)}."))
            return None
        return raw

    def slug(self, name: str) -> str | None:
        raw = self.text(name)
        if raw is not None and not is_slug(raw):
            self.problems.append(Problem(name, "Give the web name (slug) of a process, e.g. omabudjetti-2026."))
            return None
        return raw

    def moment(self, name: str) -> datetime | None:
        """An RFC 3339 date-time with its offset, or a date (which means the start of that day in Finland)."""
        raw = self.text(name)
        if raw is None:
            return None
        found = parse_moment(raw)
        if found is None:
            self.problems.append(
                Problem(name, "Give a date (2026-05-01) or a date and time with its offset (2026-05-01T12:00:00Z).")
            )
        return found

    def boolean(self, name: str) -> bool | None:
        value = self.choice(name, ("true", "false"))
        return None if value is None else value == "true"

    def window(self) -> Window:
        limit = self.whole_number("limit", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
        offset = self.whole_number("offset", minimum=0, maximum=MAX_OFFSET, default=0)
        assert limit is not None and offset is not None
        return Window(limit, offset)

    def check(self) -> None:
        if self.problems:
            raise InvalidParameters(self.problems)


def is_slug(value: str) -> bool:
    return len(value) <= MAX_SLUG_LENGTH and _SLUG.match(value) is not None


def path_id(raw: str) -> int | None:
    """An id from the path, or None when it cannot be one (the caller answers 404)."""
    if not _DIGITS.match(raw) or not 1 <= int(raw) <= MAX_ID:
        return None
    return int(raw)


def parse_moment(raw: str) -> datetime | None:
    """RFC 3339: a full-date, or a date-time with seconds and an offset; any other text is None."""
    # A "+" left unencoded in a query string arrives as a space: "12:00:00 02:00" meant "12:00:00+02:00".
    text = re.sub(r" (\d{2}:\d{2})$", r"+\1", raw)
    if _FULL_DATE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:  # no such day, e.g. 2026-02-30
            return None
        try:
            return midnight(day)
        except OverflowError:  # the first day of year 1 in Finland began in year 0 in UTC
            return EARLIEST
    if not _DATE_TIME.fullmatch(text):
        return None
    # Python reads at most six digits of a second's fraction (microseconds); RFC 3339 allows more.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text).upper().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:  # no such day or time, e.g. 2026-02-30T25:00:00Z
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # beyond Python's years 1-9999 once moved to UTC: as early or late as can be
        return EARLIEST if moment.year == 1 else LATEST


# --- the filters of each list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessFilters:
    window: Window
    phase: str | None  # the phase open now; "none" for a round between or outside its phases


def process_filters(query: Query) -> ProcessFilters:
    phase = query.choice("phase", [*(kind.value for kind in PhaseKind), "none"])
    return ProcessFilters(query.window(), phase)


@dataclass(frozen=True)
class DistrictChoice:
    """A district filter: ``city_wide`` for what belongs to no district, else one district's id."""

    city_wide: bool
    district_id: int | None


def district_choice(query: Query) -> DistrictChoice | None:
    raw = query.text("district")
    if raw is None:
        return None
    if raw == CITY_WIDE:
        return DistrictChoice(True, None)
    found = path_id(raw)
    if found is None:
        query.problems.append(Problem("district", "Give a district id, or city for city-wide."))
        return None
    return DistrictChoice(False, found)


@dataclass(frozen=True)
class BudgetFilters:
    window: Window
    process: str | None
    district: DistrictChoice | None


def budget_filters(query: Query) -> BudgetFilters:
    return BudgetFilters(query.window(), query.slug("process"), district_choice(query))


@dataclass(frozen=True)
class ProjectFilters:
    window: Window
    process: str | None
    budget: int | None
    district: DistrictChoice | None
    status: ProjectStatus | None


def project_filters(query: Query) -> ProjectFilters:
    status = query.choice("status", (item.value for item in ProjectStatus))
    return ProjectFilters(
        query.window(),
        query.slug("process"),
        query.identifier("budget"),
        district_choice(query),
        ProjectStatus(status) if status else None,
    )


@dataclass(frozen=True)
class ProposalFilters:
    window: Window
    process: str | None
    district: DistrictChoice | None
    theme: int | None
    status: str | None
    updated_since: datetime | None


def proposal_filters(query: Query) -> ProposalFilters:
    return ProposalFilters(
        query.window(),
        query.slug("process"),
        district_choice(query),
        query.identifier("theme"),
        query.choice("status", (str(status) for status in PUBLIC_STATUSES)),
        query.moment("updated_since"),
    )


@dataclass(frozen=True)
class ResultFilters:
    window: Window
    process: str | None
    budget: int | None
    current: bool | None  # True: only each budget's current record; False: only superseded ones
    published_since: datetime | None


def result_filters(query: Query) -> ResultFilters:
    return ResultFilters(
        query.window(),
        query.slug("process"),
        query.identifier("budget"),
        query.boolean("current"),
        query.moment("published_since"),
    )


@dataclass(frozen=True)
class ImplementationFilters:
    window: Window
    process: str | None
    status: str | None  # an ImplementationStatus, or "not_started" for a funded project with no status yet
    updated_since: datetime | None


NOT_STARTED = "not_started"


def implementation_filters(query: Query) -> ImplementationFilters:
    return ImplementationFilters(
        query.window(),
        query.slug("process"),
        query.choice("status", [*(item.value for item in ImplementationStatus), NOT_STARTED]),
        query.moment("updated_since"),
    )


@dataclass(frozen=True)
class RecommendationFilters:
    window: Window
    decision: str | None  # a pb.panels.council.Decision, or "unanswered" while no answer is published
    updated_since: datetime | None  # the council's answer or a progress report published or changed since


UNANSWERED = "unanswered"


def recommendation_filters(query: Query) -> RecommendationFilters:
    return RecommendationFilters(
        query.window(),
        query.choice("decision", [*(item.value for item in Decision), UNANSWERED]),
        query.moment("updated_since"),
    )


def window_only(query: Query) -> Window:
    return query.window()


def ballot_window(query: Query) -> Window:
    # Ballots are small rows; a larger page lets a client fetch a budget's ballots in fewer requests.
    limit = query.whole_number("limit", minimum=1, maximum=1000, default=100)
    offset = query.whole_number("offset", minimum=0, maximum=MAX_OFFSET, default=0)
    assert limit is not None and offset is not None
    return Window(limit, offset)
