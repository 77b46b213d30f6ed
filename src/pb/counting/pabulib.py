"""Reading and writing Pabulib `.pb` files, and a canonical digest of their ballots.

The format is described at pabulib.org/format and in Stolicki, Szufa, Talmon, "Pabulib: A Participatory
Budgeting Library" (arXiv:2012.06539): three `;`-separated CSV sections `META`, `PROJECTS` and `VOTES`,
each with its own header line.

Decisions that change data, each covered by a test in tests/counting/test_pabulib.py:

- Numbers are read exactly (`400000.0` is the int 400000, `4000,5` and `4000.5` are Fraction(8001, 2)),
  never through float.
- A project whose cost is exactly 999999999 is withdrawn from the ballot (a Pabulib convention). It is kept
  in `PabulibFile.withdrawn`, left out of `projects`, and removed from every vote.
- A project id repeated inside one vote (Poland_Czestochowa_2020 voter 13026 has `579,579,579,579`) is
  counted once. Its points are those of the LAST occurrence, as pabutools reads it, so that tallies agree
  with pabutools; its rank in an ordinal vote is the position of its FIRST occurrence, since a voter cannot
  rank one project twice and the first mention is the one the voter saw as their preference. Every repeat is
  listed in `PabulibFile.repeated_entries` so a report can show it.
- A vote naming a project that is not in PROJECTS, a points list of another length than the vote, a
  repeated voter id, or a repeated project id in PROJECTS is an error.

A malformed file raises one `PabulibError` naming the line and the problem; no other exception escapes
`parse_pabulib` (tests/counting/test_pabulib_fuzz.py feeds it hostile text).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

Number = int | Fraction

VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")

# Pabulib format: cost 999999999 marks a project withdrawn from the ballot.
WITHDRAWN_COST = 999_999_999

_SECTIONS = ("META", "PROJECTS", "VOTES")
_NUMBER = re.compile(r"^([+-]?)(\d+)(?:[.,](\d*))?$")


class PabulibError(ValueError):
    """A `.pb` file that does not follow the Pabulib format; `line` is 1-based (0 when unknown)."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}" if line else problem)


@dataclass(frozen=True)
class PabulibProject:
    project_id: str
    cost: Number
    # The other columns of the PROJECTS row (name, votes, score, category, selected, ...) in file order.
    extra: tuple[tuple[str, str], ...] = ()

    def get(self, column: str, default: str = "") -> str:
        return dict(self.extra).get(column, default)


@dataclass(frozen=True)
class PabulibVote:
    voter_id: str
    projects: tuple[str, ...]
    # Parallel to `projects` for cumulative and scoring votes; None when the file has no points column.
    points: tuple[Number, ...] | None = None
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PabulibFile:
    meta: tuple[tuple[str, str], ...]
    projects: tuple[PabulibProject, ...]
    votes: tuple[PabulibVote, ...]
    withdrawn: tuple[PabulibProject, ...] = ()
    # (line, voter_id, project_id) for each repeated project id inside a vote; informational, not written.
    repeated_entries: tuple[tuple[int, str, str], ...] = field(default=(), compare=False)

    @property
    def meta_map(self) -> Mapping[str, str]:
        return dict(self.meta)

    @property
    def budget(self) -> Number:
        return parse_number(self.meta_map["budget"], 0, "budget")

    @property
    def vote_type(self) -> str:
        return self.meta_map["vote_type"]

    def meta_number(self, key: str) -> Number | None:
        raw = self.meta_map.get(key, "").strip()
        if not raw:
            return None
        return parse_number(raw, 0, key)


def parse_number(text: str, line: int, what: str) -> Number:
    """An exact number from a Pabulib field: `12`, `400000.0`, `4000,5`; never through float."""
    match = _NUMBER.match(text.strip())
    if match is None:
        raise PabulibError(line, f"{what} is not a number: {text[:40]!r}")
    sign, whole, decimals = match.groups()
    exact = bool(decimals and decimals.strip("0"))
    value: Number = Fraction(int(whole + decimals), 10 ** len(decimals)) if exact else int(whole)
    return -value if sign == "-" else value


def format_number(value: Number) -> str:
    """The shortest exact decimal for `value`; a Fraction with no finite decimal expansion is refused."""
    if isinstance(value, int):
        return str(value)
    if value.denominator == 1:
        return str(value.numerator)
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    digits = max(twos, fives)
    scaled = abs(value.numerator) * 10**digits // value.denominator
    sign = "-" if value < 0 else ""
    text = str(scaled).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def read_pabulib(path: str | Path) -> PabulibFile:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise PabulibError(0, f"cannot read {path}: {error.strerror}") from error
    return parse_pabulib(raw)


def parse_pabulib(source: str | bytes) -> PabulibFile:
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = source[: error.start].count(b"\n") + 1
            raise PabulibError(line, "the file is not UTF-8 text") from error
    else:
        text = source.removeprefix("\ufeff")
    try:
        return _parse(text)
    except PabulibError:
        raise
    except (csv.Error, ValueError, KeyError, IndexError, TypeError, OverflowError) as error:  # pragma: no cover
        # Defence in depth: every known problem raises PabulibError above; anything else is still reported
        # the same way so callers only ever handle one exception type.
        raise PabulibError(0, f"unreadable file ({type(error).__name__})") from error


def _rows(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=False)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PabulibError(reader.line_num, f"bad CSV quoting ({error})") from error
        yield start, row
        start = reader.line_num + 1


def _parse(text: str) -> PabulibFile:
    if "\x00" in text:
        raise PabulibError(text[: text.index("\x00")].count("\n") + 1, "NUL character in the file")
    section = ""
    header: list[str] | None = None
    header_line = 0
    seen: list[str] = []
    meta: list[tuple[str, str]] = []
    meta_lines: dict[str, int] = {}
    project_rows: list[tuple[int, dict[str, str], list[tuple[str, str]]]] = []
    vote_rows: list[tuple[int, dict[str, str], list[tuple[str, str]]]] = []
    for line, row in _rows(text):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) == 1 and cells[0].upper() in _SECTIONS:
            name = cells[0].upper()
            if name in seen:
                raise PabulibError(line, f"section {name} appears twice")
            if seen and _SECTIONS.index(name) < _SECTIONS.index(seen[-1]):
                raise PabulibError(line, f"section {name} comes after {seen[-1]}")
            seen.append(name)
            section, header = name, None
            continue
        if not section:
            raise PabulibError(line, "expected the META section title")
        while cells and not cells[-1] and header is not None and len(cells) > len(header):
            cells.pop()  # a trailing ';' adds an empty field some exporters write
        if header is None:
            header, header_line = [cell.lower() for cell in cells], line
            if len(set(header)) != len(header):
                raise PabulibError(line, f"repeated column name in the {section} header")
            required = {"META": ("key", "value"), "PROJECTS": ("project_id", "cost"), "VOTES": ("voter_id", "vote")}[
                section
            ]
            for column in required:
                if column not in header:
                    raise PabulibError(line, f"the {section} header lacks the column {column!r}")
            continue
        if len(cells) != len(header):
            raise PabulibError(
                line, f"{len(cells)} fields where the {section} header (line {header_line}) has {len(header)}"
            )
        values = dict(zip(header, cells, strict=True))
        if section == "META":
            key = values["key"]
            if key in meta_lines:
                raise PabulibError(line, f"META key {key!r} appears twice")
            meta_lines[key] = line
            meta.append((key, values["value"]))
        else:
            structural = ("project_id", "cost") if section == "PROJECTS" else ("voter_id", "vote", "points")
            extra = [(column, values[column]) for column in header if column not in structural]
            (project_rows if section == "PROJECTS" else vote_rows).append((line, values, extra))
    end = text.rstrip("\r\n").count("\n") + 1
    for name in _SECTIONS:
        if name not in seen:
            raise PabulibError(end, f"the file ends without a {name} section")
    return _build(dict(meta), meta_lines, tuple(meta), project_rows, vote_rows)


def _build(
    meta: dict[str, str],
    meta_lines: dict[str, int],
    meta_items: tuple[tuple[str, str], ...],
    project_rows: list[tuple[int, dict[str, str], list[tuple[str, str]]]],
    vote_rows: list[tuple[int, dict[str, str], list[tuple[str, str]]]],
) -> PabulibFile:
    for key in ("budget", "vote_type"):
        if key not in meta:
            raise PabulibError(0, f"META lacks the key {key!r}")
    budget = parse_number(meta["budget"], meta_lines["budget"], "budget")
    if budget < 0:
        raise PabulibError(meta_lines["budget"], "the budget is negative")
    vote_type = meta["vote_type"]
    if vote_type not in VOTE_TYPES:
        raise PabulibError(meta_lines["vote_type"], f"unknown vote_type {vote_type[:40]!r}")
    for key in ("max_length", "min_project_score_threshold"):
        if meta.get(key, "").strip():
            parse_number(meta[key], meta_lines[key], key)
    projects: list[PabulibProject] = []
    withdrawn: list[PabulibProject] = []
    known: set[str] = set()
    for line, values, extra in project_rows:
        project_id = values["project_id"]
        if not project_id:
            raise PabulibError(line, "empty project_id")
        if project_id in known:
            raise PabulibError(line, f"project {project_id!r} appears twice in PROJECTS")
        known.add(project_id)
        cost = parse_number(values["cost"], line, f"the cost of project {project_id!r}")
        if cost < 0:
            raise PabulibError(line, f"project {project_id!r} has a negative cost")
        project = PabulibProject(project_id, cost, tuple(extra))
        (withdrawn if cost == WITHDRAWN_COST else projects).append(project)
    withdrawn_ids = {project.project_id for project in withdrawn}
    has_points = bool(vote_rows) and "points" in vote_rows[0][1]
    votes: list[PabulibVote] = []
    voters: set[str] = set()
    repeats: list[tuple[int, str, str]] = []
    for line, values, extra in vote_rows:
        voter_id = values["voter_id"]
        if voter_id in voters:
            raise PabulibError(line, f"voter {voter_id!r} appears twice")
        voters.add(voter_id)
        ids = [item.strip() for item in values["vote"].split(",")] if values["vote"] else []
        points: list[Number] | None = None
        if has_points:
            raw_points = [item.strip() for item in values["points"].split(",")] if values["points"] else []
            if len(raw_points) != len(ids):
                raise PabulibError(line, f"{len(raw_points)} points for {len(ids)} projects")
            points = [parse_number(item, line, "a point value") for item in raw_points]
        position: dict[str, int] = {}
        kept_points: dict[str, Number] = {}
        for index, project_id in enumerate(ids):
            if project_id not in known:
                raise PabulibError(line, f"the vote names project {project_id!r}, which is not in PROJECTS")
            if project_id in position:
                repeats.append((line, voter_id, project_id))
            else:
                position[project_id] = index
            if points is not None:
                kept_points[project_id] = points[index]  # the last occurrence wins, as in pabutools
        order = [project_id for project_id in position if project_id not in withdrawn_ids]
        votes.append(
            PabulibVote(
                voter_id,
                tuple(order),
                tuple(kept_points[project_id] for project_id in order) if points is not None else None,
                tuple(extra),
            )
        )
    return PabulibFile(meta_items, tuple(projects), tuple(votes), tuple(withdrawn), tuple(repeats))


def write_pabulib(data: PabulibFile) -> str:
    """The `.pb` text of `data`; `parse_pabulib(write_pabulib(data)) == data`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(data.meta)
    writer.writerow(["PROJECTS"])
    all_projects = (*data.projects, *data.withdrawn)
    project_columns = ["project_id", "cost", *_columns(project.extra for project in all_projects)]
    writer.writerow(project_columns)
    for project in all_projects:
        extra = dict(project.extra)
        writer.writerow(
            [
                project.project_id,
                format_number(project.cost),
                *(extra.get(column, "") for column in project_columns[2:]),
            ]
        )
    writer.writerow(["VOTES"])
    with_points = any(vote.points is not None for vote in data.votes)
    vote_columns = [
        "voter_id",
        "vote",
        *(["points"] if with_points else []),
        *_columns(vote.extra for vote in data.votes),
    ]
    writer.writerow(vote_columns)
    first_extra = 3 if with_points else 2
    for vote in data.votes:
        extra = dict(vote.extra)
        row = [vote.voter_id, ",".join(vote.projects)]
        if with_points:
            row.append(",".join(format_number(point) for point in vote.points or ()))
        writer.writerow([*row, *(extra.get(column, "") for column in vote_columns[first_extra:])])
    return out.getvalue()


def _columns(extras: Iterable[tuple[tuple[str, str], ...]]) -> list[str]:
    columns: dict[str, None] = {}
    for extra in extras:
        for column, _ in extra:
            columns.setdefault(column, None)
    return list(columns)


def ballot_digest(data: PabulibFile) -> str:
    """SHA-256 (hex) of the canonical serialisation of what a tally depends on.

    Canonical serialisation "pb-ballots-v1", UTF-8, one item per line ending in "\\n":
    `pb-ballots-v1`; `vote_type=<vote_type>`; `budget=<number>`; then one `project=<id>;<cost>` line per
    project on the ballot, sorted by id (code points); then one `ballot=<entries>` line per vote, the lines
    sorted (code points), where <entries> is `<id>:<points>` joined by `,` (points 1 without a points column),
    in ballot order for ordinal votes and sorted by id otherwise. Numbers are written by `format_number`
    (`400000.0` -> `400000`). Voter ids, names and the other columns are left out, so the digest identifies
    the ballots and budget, not the people or the presentation.
    """
    lines = ["pb-ballots-v1", f"vote_type={data.vote_type}", f"budget={format_number(data.budget)}"]
    lines += sorted(f"project={project.project_id};{format_number(project.cost)}" for project in data.projects)
    ballots = []
    for vote in data.votes:
        points = vote.points if vote.points is not None else (1,) * len(vote.projects)
        entries = [
            f"{project_id}:{format_number(point)}" for project_id, point in zip(vote.projects, points, strict=True)
        ]
        if data.vote_type != "ordinal":
            entries.sort()
        ballots.append("ballot=" + ",".join(entries))
    lines += sorted(ballots)
    return hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()
