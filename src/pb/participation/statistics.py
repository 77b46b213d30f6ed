"""Participation tables from plain data: distinct voters by budget, district, age band, channel, day and hour,
turnout against the eligible population, and small-cell suppression for the public.

Pure functions: no database, no request (the services read the rows, the controllers format them).

Who counts (issue 4, "Statistics during voting"):
- One person is one voter, however many budgets and channels they used: rows are merged by the voter's keyed
  hash, which is the same for a person online, with an assistant and on paper (`Keys.person`). A code voter
  without a census link is one voter per code.
- Each voter falls into exactly one line of each breakdown, so every breakdown adds up to the number of voters:
  their home district and age band (from the census, the code's letter or the paper register; "not known"
  otherwise), and the channel, day and hour (Europe/Helsinki) of their first vote.
- The budget breakdown counts a voter once in every budget they voted in, so it adds up to more than the total.

Suppression rule for public tables (`protect`), written so that a reader who knows the published total, every
published cell and this rule still cannot narrow a small count down:
1. A count under 5 (zero included) is shown as "<5" (primary suppression).
2. If a table has such a cell, further cells are hidden, the smallest first (complementary suppression), until
   for every "<5" cell the arithmetic a reader can do leaves all of 0-4 possible:
   - upper bound: the hidden cells add up to H = total − published cells; each other hidden cell is at least 5
     and each other "<5" cell at least 0, so a "<5" cell is at most H − 5·(hidden cells). This must be ≥ 4;
   - lower bound: each other "<5" cell is at most 4, and a hidden cell at most the smallest published cell
     (they were hidden smallest first), so a "<5" cell is at least H − 4·(other "<5" cells) − that bound for
     each hidden cell. This must be ≤ 0.
   (Example: with cells 4, 4, 30 and the total 38, hiding only the two 4s would give H = 8 and so both = 4.)
3. If even hiding every cell leaves a small count narrowed down (a table with a small total), the breakdown is
   not published at all; the total alone is. A total under 5 is itself shown as "<5", with no breakdowns.
4. A turnout percentage is published only next to a published count (count = turnout × population).
For a breakdown that does not add up to the total (budgets), only the lower bound applies: there a reader knows
only that every voter is in at least one budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
# Statistics practice for published tables about people: a count under 5 could identify someone.
SMALL_COUNT = 5


@dataclass(frozen=True)
class Participation:
    """A voter's participation in one budget: a VoterRecord, or a PaperVoter register entry."""

    voter_key: str
    budget_id: int
    channel: str
    district_id: int | None
    age_band: str | None
    voted_at: datetime  # UTC; the first vote in this budget


@dataclass(frozen=True)
class Person:
    """One distinct voter, placed by their first vote."""

    district_id: int | None
    age_band: str | None
    channel: str
    first_voted_at: datetime
    budget_ids: frozenset[int]


def people(rows: Iterable[Participation]) -> list[Person]:
    """Merges the rows of each voter into one person."""
    by_voter: dict[str, list[Participation]] = {}
    for row in rows:
        by_voter.setdefault(row.voter_key, []).append(row)
    found = []
    for voter_rows in by_voter.values():
        voter_rows.sort(key=lambda row: (row.voted_at, row.budget_id))
        first = voter_rows[0]
        found.append(
            Person(
                # Home district and age band come from the person, not the budget; a row that lacks them
                # (e.g. a code voter's) does not hide what another row knows.
                district_id=next((r.district_id for r in voter_rows if r.district_id is not None), None),
                age_band=next((r.age_band for r in voter_rows if r.age_band is not None), None),
                channel=first.channel,
                first_voted_at=first.voted_at,
                budget_ids=frozenset(row.budget_id for row in voter_rows),
            )
        )
    return found


# --- breakdowns -------------------------------------------------------------------------------------------

Key = int | str | date | None  # a district or budget id, an age band or channel, an hour, a day; None: not known


@dataclass(frozen=True)
class Line:
    key: Key
    voters: int
    eligible: int | None = None  # eligible population, where turnout makes sense

    @property
    def turnout(self) -> float | None:
        """The share of the eligible population that voted (0.0-1.0), or None without a population."""
        if not self.eligible:
            return None
        return self.voters / self.eligible


@dataclass(frozen=True)
class Breakdown:
    lines: tuple[Line, ...]
    total: int  # distinct voters
    adds_up: bool = True  # False for budgets: a voter is counted in each budget they voted in

    def protected(self, threshold: int = SMALL_COUNT) -> list[Cell] | None:
        """The cells as the public sees them, or None when the breakdown cannot be published (rule 3)."""
        return protect([line.voters for line in self.lines], self.total, threshold, adds_up=self.adds_up)


@dataclass(frozen=True)
class Statistics:
    voters: int
    eligible: int
    by_budget: Breakdown
    by_district: Breakdown
    by_age: Breakdown
    by_channel: Breakdown
    by_day: Breakdown
    by_hour: Breakdown

    @property
    def turnout(self) -> float | None:
        return self.voters / self.eligible if self.eligible else None


@dataclass(frozen=True)
class Overview:
    """The participation of a round by home district, age band and channel, without the budgets and the timeline
    (days and hours): what the PB outcome report publishes. Its fields are those of `Statistics` of the same rows
    (`overview` and `compute` share `_breakdowns`)."""

    voters: int
    eligible: int
    by_district: Breakdown
    by_age: Breakdown
    by_channel: Breakdown

    @property
    def turnout(self) -> float | None:
        return self.voters / self.eligible if self.eligible else None


@dataclass(frozen=True)
class Group:
    """The number of distinct voters (people) with one home district, age band and channel of first vote."""

    district_id: int | None
    age_band: str | None
    channel: str
    voters: int


def _lines(
    counts: Mapping[Key, int], order: Sequence[Key], eligible: Mapping[Key, int] | None = None
) -> tuple[Line, ...]:
    keys = list(order) + [key for key in counts if key not in order and key is not None]
    if None in counts:
        keys.append(None)
    return tuple(
        Line(key, counts.get(key, 0), None if eligible is None or key is None else eligible.get(key)) for key in keys
    )


def _breakdowns(
    groups: Iterable[Group],
    *,
    populations: Mapping[int, Mapping[str, int]],
    age_bands: Sequence[str],
    channels: Sequence[str],
) -> Overview:
    """The breakdowns that add up to the number of voters, from the people grouped by district, age band and
    channel, in the order first met."""
    district_population: dict[Key, int] = {
        district: sum(int(n) for n in bands.values()) for district, bands in populations.items()
    }
    band_population: dict[Key, int] = {
        band: sum(int(bands.get(band, 0)) for bands in populations.values()) for band in age_bands
    }
    by_district: dict[Key, int] = {}
    by_age: dict[Key, int] = {}
    by_channel: dict[Key, int] = {}
    total = 0
    for group in groups:
        total += group.voters
        by_district[group.district_id] = by_district.get(group.district_id, 0) + group.voters
        by_age[group.age_band] = by_age.get(group.age_band, 0) + group.voters
        by_channel[group.channel] = by_channel.get(group.channel, 0) + group.voters
    return Overview(
        voters=total,
        eligible=sum(district_population.values()),
        by_district=Breakdown(_lines(by_district, list(populations), district_population), total),
        by_age=Breakdown(_lines(by_age, list(age_bands), band_population), total),
        by_channel=Breakdown(_lines(by_channel, list(channels)), total),
    )


def overview(
    groups: Iterable[Group],
    *,
    populations: Mapping[int, Mapping[str, int]],
    age_bands: Sequence[str],
    channels: Sequence[str],
) -> Overview:
    """`compute`'s voters, eligible population and district, age band and channel breakdowns, from counts the
    database has already grouped (pb.participation.services.overview_for): the same lines in the same order, for
    a large round in a fraction of the time."""
    return _breakdowns(
        groups,
        populations=populations,
        age_bands=age_bands,
        channels=channels,
    )


def compute(
    rows: Iterable[Participation],
    *,
    budget_ids: Sequence[int],
    populations: Mapping[int, Mapping[str, int]],
    age_bands: Sequence[str],
    channels: Sequence[str],
    days: Sequence[date] = (),
) -> Statistics:
    """The participation of a round. `populations` is each taking-part district's eligible population by age
    band (ProcessDistrict.population_by_age); districts, age bands, channels and budgets are listed in the given
    order even with no voters (an empty line is information too), then any others found, then "not known"."""
    rows = list(rows)
    found = people(rows)
    total = len(found)

    def tally(keys: Iterable[Key]) -> dict[Key, int]:
        counts: dict[Key, int] = {}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        return counts

    per_budget: dict[Key, set[str]] = {}
    for row in rows:
        per_budget.setdefault(row.budget_id, set()).add(row.voter_key)
    groups: dict[tuple[int | None, str | None, str], int] = {}
    for person in found:
        key = (person.district_id, person.age_band, person.channel)
        groups[key] = groups.get(key, 0) + 1
    figures = _breakdowns(
        (Group(district, band, channel, count) for (district, band, channel), count in groups.items()),
        populations=populations,
        age_bands=age_bands,
        channels=channels,
    )
    first_moments = [person.first_voted_at.astimezone(HELSINKI) for person in found]
    days = list(days) or sorted({moment.date() for moment in first_moments})
    return Statistics(
        voters=total,
        eligible=figures.eligible,
        by_budget=Breakdown(
            _lines({key: len(keys) for key, keys in per_budget.items()}, list(budget_ids)), total, adds_up=False
        ),
        by_district=figures.by_district,
        by_age=figures.by_age,
        by_channel=figures.by_channel,
        by_day=Breakdown(_lines(tally(moment.date() for moment in first_moments), days), total),
        by_hour=Breakdown(_lines(tally(moment.hour for moment in first_moments), list(range(24))), total),
    )


# --- suppression ------------------------------------------------------------------------------------------


class Shown(StrEnum):
    YES = "yes"
    SMALL = "small"  # under the threshold: shown as "<5"
    HIDDEN = "hidden"  # not small, hidden so that a small cell cannot be worked out from the total


@dataclass(frozen=True)
class Cell:
    value: int
    shown: Shown = Shown.YES

    @property
    def is_published(self) -> bool:
        return self.shown == Shown.YES


def protect(
    counts: Sequence[int], total: int, threshold: int = SMALL_COUNT, *, adds_up: bool = True
) -> list[Cell] | None:
    """The suppression rule of this module's docstring: the cells to publish, or None if none can be."""
    if total < threshold:
        return None
    small = [index for index, value in enumerate(counts) if value < threshold]
    if not small:
        return [Cell(value) for value in counts]
    published = sorted(
        (index for index, value in enumerate(counts) if value >= threshold), key=lambda index: (counts[index], index)
    )
    hidden: list[int] = []
    while not _safe(counts, total, threshold, small, hidden, published, adds_up=adds_up):
        if not published:
            return None
        hidden.append(published.pop(0))
    return [
        Cell(value, Shown.SMALL if index in small else Shown.HIDDEN if index in hidden else Shown.YES)
        for index, value in enumerate(counts)
    ]


def _safe(
    counts: Sequence[int],
    total: int,
    threshold: int,
    small: Sequence[int],
    hidden: Sequence[int],
    published: Sequence[int],
    *,
    adds_up: bool,
) -> bool:
    withheld = total - sum(counts[index] for index in published)
    largest_small = threshold - 1
    # A hidden cell is at most the smallest published one; with none published, at most what is withheld.
    hidden_at_most = counts[published[0]] if published else withheld
    # Upper bound on one small cell (only when the lines add up to the total).
    if adds_up and withheld - threshold * len(hidden) < largest_small:
        return False
    # Lower bound on one small cell.
    return withheld - largest_small * (len(small) - 1) - hidden_at_most * len(hidden) <= 0
