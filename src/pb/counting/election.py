"""Plain election data the rules count: projects with costs, a budget and merged weighted ballots."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from pb.counting.pabulib import Number, PabulibFile

# Kraków's ranked ballots give a project ranked at position k (0-based) `max_length - k` points; this
# reproduces the `score` column of the Kraków files in Pabulib (see /work/shared/pabulib/README.md).
# pabutools' Borda satisfaction would give `len(ballot) - k - 1` instead; pb does not use it.
RANKED_POINTS_CONVENTION = "krakow: max_length - position"


@dataclass(frozen=True)
class Project:
    project_id: str
    cost: Number


@dataclass(frozen=True)
class Ballot:
    """One distinct ballot and how many voters cast it; `points` pairs project indices with points > 0."""

    points: tuple[tuple[int, Number], ...]
    weight: int


@dataclass(frozen=True)
class TieRecord:
    """A tie the engine resolved: which projects were tied, which won, and by which criterion."""

    step: int
    tied: tuple[str, ...]
    chosen: str
    criterion: str


@dataclass(frozen=True)
class Outcome:
    rule: str
    selected: tuple[str, ...]
    total_cost: Number
    ties: tuple[TieRecord, ...] = ()
    # MES only: the per-voter endowment of the returned run, and how many MES runs the completion made.
    endowment: Fraction | None = None
    mes_runs: int = 0


@dataclass(frozen=True)
class Election:
    budget: Number
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    # A lot drawn in advance and stored with the election: the last tie-breaker of pb's default order.
    lot_order: tuple[str, ...] = ()
    vote_type: str = "approval"
    # The threshold of greedy-threshold (Pabulib META `min_project_score_threshold`), if any.
    score_threshold: Number | None = None
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _cache: dict[str, list[int] | list[Number]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({project.project_id: i for i, project in enumerate(self.projects)})
        if not self.lot_order:
            object.__setattr__(self, "lot_order", tuple(project.project_id for project in self.projects))

    @property
    def n_voters(self) -> int:
        return sum(ballot.weight for ballot in self.ballots)

    def index(self, project_id: str) -> int:
        return self._index[project_id]

    def supporters(self) -> list[int]:
        """Number of voters giving each project (by index) a positive score."""
        if "supporters" in self._cache:
            return self._cache["supporters"]  # type: ignore[return-value]
        counts = [0] * len(self.projects)
        for ballot in self.ballots:
            for index, _ in ballot.points:
                counts[index] += ballot.weight
        self._cache["supporters"] = counts
        return counts

    def scores(self) -> list[Number]:
        """Total points of each project (by index): approvals for approval and choose-1 ballots."""
        if "scores" in self._cache:
            return self._cache["scores"]  # type: ignore[return-value]
        totals: list[Number] = [0] * len(self.projects)
        for ballot in self.ballots:
            for index, points in ballot.points:
                totals[index] += points * ballot.weight
        self._cache["scores"] = totals
        return totals

    @classmethod
    def build(
        cls,
        budget: Number,
        costs: Mapping[str, Number],
        ballots: Iterable[Mapping[str, Number] | Sequence[str]],
        *,
        lot_order: Sequence[str] = (),
        vote_type: str = "approval",
        score_threshold: Number | None = None,
    ) -> Election:
        """An election from project costs and one ballot per voter (a list of approved ids or id -> points)."""
        projects = tuple(Project(project_id, cost) for project_id, cost in costs.items())
        index = {project.project_id: i for i, project in enumerate(projects)}
        rows: list[tuple[tuple[int, Number], ...]] = []
        for ballot in ballots:
            items = ballot.items() if isinstance(ballot, Mapping) else ((project_id, 1) for project_id in ballot)
            rows.append(tuple((index[project_id], points) for project_id, points in items))
        return cls(budget, projects, merge_ballots(rows), tuple(lot_order), vote_type, score_threshold)

    @classmethod
    def from_pabulib(cls, data: PabulibFile, *, lot_order: Sequence[str] = ()) -> Election:
        """The election in a Pabulib file: ranked ballots become points by RANKED_POINTS_CONVENTION."""
        projects = tuple(Project(project.project_id, project.cost) for project in data.projects)
        index = {project.project_id: i for i, project in enumerate(projects)}
        vote_type = data.vote_type
        max_length: Number | None = data.meta_number("max_length") if vote_type == "ordinal" else None
        if vote_type == "ordinal" and max_length is None:
            # No max_length in META: the longest ranking cast stands in for it.
            max_length = max((len(vote.projects) for vote in data.votes), default=0)
        rows: list[tuple[tuple[int, Number], ...]] = []
        for vote in data.votes:
            if vote_type == "ordinal":
                assert max_length is not None
                pairs = [(index[p], max_length - k) for k, p in enumerate(vote.projects)]
            elif vote.points is not None and vote_type in ("cumulative", "scoring"):
                pairs = [(index[p], points) for p, points in zip(vote.projects, vote.points, strict=True)]
            else:
                pairs = [(index[p], 1) for p in vote.projects]
            rows.append(tuple(pairs))
        threshold = data.meta_number("min_project_score_threshold")
        return cls(data.budget, projects, merge_ballots(rows), tuple(lot_order), vote_type, threshold)


def merge_ballots(rows: Iterable[tuple[tuple[int, Number], ...]]) -> tuple[Ballot, ...]:
    """Identical ballots merged into one weighted ballot (order of first appearance); zero points dropped."""
    weights: dict[tuple[tuple[int, Number], ...], int] = {}
    for row in rows:
        key = tuple(sorted((index, points) for index, points in row if points > 0))
        weights[key] = weights.get(key, 0) + 1
    return tuple(Ballot(key, weight) for key, weight in weights.items())
