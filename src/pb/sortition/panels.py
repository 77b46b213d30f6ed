"""The panel-search integer program, over groups of interchangeable people.

People with the same value in every category who share no household with anyone else in the pool are
interchangeable: every quota treats them alike. A panel is then a vector of counts, one per group, and the
integer program has one variable per group instead of one per person. By symmetry (and because the LEXIMIN
marginals are unique) interchangeable people get the same LEXIMIN probability, so nothing is lost.
Members of multi-person households stay in groups of their own, so the household rule stays a set of
"at most one of these" rows.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from pb.sortition.models import Instance, Quota

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_banner_silenced = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance.

    HiGHS prints its copyright banner on standard output the first time a solver object is created in
    a process, before any option can turn output off; that would corrupt `pb sortition --json`. The
    banner is swallowed once by pointing file descriptor 1 at /dev/null around the first construction.
    """
    global _banner_silenced
    if _banner_silenced:
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy declares no return type
    else:
        with _stdout_fd_silenced():
            h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy declares no return type
        _banner_silenced = True
    h.setOptionValue("output_flag", False)
    # Determinism: one thread, fixed seed, so the same inputs give the same solver path.
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h


@contextlib.contextmanager
def _stdout_fd_silenced() -> Iterator[None]:
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def highs_version() -> str:
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


@dataclass(frozen=True)
class Groups:
    """The pool partitioned into groups of interchangeable people."""

    members: tuple[tuple[int, ...], ...]
    sizes: IntArray
    # For each quota: the groups whose people have that value.
    quota_groups: tuple[tuple[Quota, tuple[int, ...]], ...]
    # Multi-person households: the (singleton) groups of their members.
    households: tuple[tuple[int, ...], ...]
    panel_size: int

    @property
    def count(self) -> int:
        return len(self.members)

    def group_of_person(self) -> IntArray:
        out = np.empty(int(self.sizes.sum()), dtype=np.int64)
        for g, members in enumerate(self.members):
            out[list(members)] = g
        return out

    def expand(self, group_values: Sequence[float] | FloatArray) -> FloatArray:
        """A per-group value repeated for every member, in pool order."""
        return np.asarray(group_values, dtype=np.float64)[self.group_of_person()]


def group_people(instance: Instance) -> Groups:
    in_household = {i for h in instance.households() for i in h}
    by_features: dict[tuple[str, ...], list[int]] = {}
    members: list[list[int]] = []
    for i, person in enumerate(instance.people):
        if i in in_household:
            members.append([i])
            continue
        key = tuple(person.features[c] for c in instance.categories)
        if key not in by_features:
            by_features[key] = []
            members.append(by_features[key])
        by_features[key].append(i)
    group_of: dict[int, int] = {i: g for g, m in enumerate(members) for i in m}
    quota_groups = []
    for q in instance.quotas:
        gs = sorted({group_of[i] for i, p in enumerate(instance.people) if p.features[q.category] == q.value})
        quota_groups.append((q, tuple(gs)))
    households = tuple(tuple(group_of[i] for i in h) for h in instance.households())
    return Groups(
        members=tuple(tuple(m) for m in members),
        sizes=np.array([len(m) for m in members], dtype=np.int64),
        quota_groups=tuple(quota_groups),
        households=households,
        panel_size=instance.panel_size,
    )


def constraint_rows(groups: Groups) -> tuple[list[tuple[tuple[int, ...], float, float]], list[str]]:
    """Rows (group indices, lower, upper) of the panel polytope, with a label each."""
    rows: list[tuple[tuple[int, ...], float, float]] = [
        (tuple(range(groups.count)), float(groups.panel_size), float(groups.panel_size))
    ]
    labels = ["panel size"]
    for q, gs in groups.quota_groups:
        rows.append((gs, float(q.min), float(q.max)))
        labels.append(f"{q.category}={q.value}")
    for h in groups.households:
        rows.append((h, 0.0, 1.0))
        labels.append("household")
    return rows, labels


def build_lp(
    groups: Groups,
    *,
    integer: bool,
    extra_cols: int = 0,
) -> highspy.HighsLp:
    """The panel polytope in HiGHS form; `extra_cols` appends empty continuous columns for callers."""
    rows, _ = constraint_rows(groups)
    n = groups.count
    col_entries: list[list[tuple[int, float]]] = [[] for _ in range(n + extra_cols)]
    for r, (gs, _, _) in enumerate(rows):
        for g in gs:
            col_entries[g].append((r, 1.0))
    start = [0]
    index: list[int] = []
    value: list[float] = []
    for entries in col_entries:
        for r, v in entries:
            index.append(r)
            value.append(v)
        start.append(len(index))
    lp = highspy.HighsLp()
    lp.num_col_ = n + extra_cols
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.zeros(n + extra_cols)
    lp.col_lower_ = np.zeros(n + extra_cols)
    lp.col_upper_ = np.concatenate([groups.sizes.astype(np.float64), np.full(extra_cols, highspy.kHighsInf)])
    lp.row_lower_ = np.array([lo for _, lo, _ in rows])
    lp.row_upper_ = np.array([hi for _, _, hi in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * extra_cols
    return lp


class SolverError(RuntimeError):
    """HiGHS did not finish as expected; never hidden behind a fallback."""


@dataclass(frozen=True)
class PricingResult:
    counts: IntArray
    value: float
    # Upper bound on the best possible value (the MIP dual bound), for stopping rules.
    bound: float
    # Worse panels the branch and cut found on the way (extra columns for free).
    alternatives: tuple[IntArray, ...] = ()


class PanelSearch:
    """Finds panels (count vectors) that satisfy every quota and the household rule.

    Flanigan et al. 2021, Methods: the column-generation oracle is an integer program that finds the
    feasible panel of largest total dual weight.
    """

    def __init__(self, groups: Groups, *, abs_gap: float = 1e-7) -> None:
        self.groups = groups
        self.highs = new_highs()
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", abs_gap)
        status = self.highs.passModel(build_lp(groups, integer=True))
        if status != highspy.HighsStatus.kOk:
            raise SolverError(f"HiGHS refused the panel model: {status}")
        self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.highs.setOptionValue("mip_improving_solution_save", True)
        self.solves = 0

    def best(self, weights: FloatArray) -> PricingResult | None:
        """The panel maximising sum(weights[g] * count[g]), or None when no panel satisfies the quotas."""
        n = self.groups.count
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(weights, dtype=np.float64))
        self.highs.run()
        self.solves += 1
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS panel search ended with {self.highs.modelStatusToString(status)}")
        counts = np.rint(np.asarray(self.highs.getSolution().col_value[:n])).astype(np.int64)
        info = self.highs.getInfo()
        value = float(np.dot(weights, counts))
        bound = max(value, float(info.mip_dual_bound))
        alternatives = tuple(
            np.rint(np.asarray(saved.col_value[:n])).astype(np.int64)
            for saved in self.highs.getSavedMipSolutions()[:-1]
        )
        return PricingResult(counts, value, bound, alternatives)

    def any_panel(self) -> IntArray | None:
        found = self.best(np.zeros(self.groups.count))
        return None if found is None else found.counts


def panel_is_valid(instance: Instance, panel: Sequence[int]) -> list[str]:
    """What is wrong with a panel of person indices (empty when it meets every rule)."""
    problems: list[str] = []
    members = list(panel)
    if len(set(members)) != len(members):
        problems.append("a person appears twice")
    if len(members) != instance.panel_size:
        problems.append(f"panel has {len(members)} people, not {instance.panel_size}")
    for q in instance.quotas:
        n = sum(1 for i in members if instance.people[i].features[q.category] == q.value)
        if not q.min <= n <= q.max:
            problems.append(f"{q.category}={q.value}: {n} not in [{q.min}, {q.max}]")
    if instance.household_rule:
        keys = [instance.people[i].household for i in members if instance.people[i].household is not None]
        if len(keys) != len(set(keys)):
            problems.append("two people from the same household")
    return problems
