"""Checks before a draw: can the quotas be met at all, and whose chances are forced to extremes.

When no panel satisfies every quota, the report names the quotas that conflict (simple counting
arguments first, so the message is explainable; then a smallest set of quota bounds that cannot all hold
together, found by the deletion filter of Chinneck and Dravnieks 1991) and the smallest relaxation that makes
the quotas satisfiable: an integer program that minimises the total amount by which minimums are lowered and
maximums raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from pb.sortition.leximin import selectable_groups
from pb.sortition.models import Instance
from pb.sortition.panels import PanelSearch, SolverError, constraint_rows, group_people, new_highs

# A person whose probability (in any selection that treats interchangeable people alike) must be at
# least NEAR_ONE or at most NEAR_ZERO is flagged: organisers should know before the draw.
NEAR_ONE = 0.9
NEAR_ZERO = 0.01


@dataclass(frozen=True)
class Relaxation:
    category: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int

    def describe(self) -> str:
        if self.new_min != self.min:
            return f"{self.category}={self.value}: lower the minimum from {self.min} to {self.new_min}"
        return f"{self.category}={self.value}: raise the maximum from {self.max} to {self.new_max}"


@dataclass(frozen=True)
class ConflictingBound:
    """One side of a quota (``side`` "min" or "max") in a set of bounds that cannot all hold together."""

    category: str
    value: str
    side: str
    bound: int

    def describe(self) -> str:
        return f"{self.category}={self.value} {'at least' if self.side == 'min' else 'at most'} {self.bound}"


@dataclass(frozen=True)
class ForcedProbability:
    person_ids: tuple[str, ...]
    low: float
    high: float
    reason: str


@dataclass(frozen=True)
class FeasibilityReport:
    feasible: bool
    conflicts: list[str] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)
    forced: list[ForcedProbability] = field(default_factory=list)
    # When no counting argument explains the conflict: quota bounds that cannot all hold together, each one
    # needed for the conflict (conflicting_bounds). Empty otherwise.
    conflicting: list[ConflictingBound] = field(default_factory=list)


def _counting_conflicts(instance: Instance) -> list[str]:
    """Conflicts that a counting argument proves, in words an organiser can check by hand."""
    out: list[str] = []
    k = instance.panel_size
    households = instance.households()
    in_household = {i for h in households for i in h}
    distinct = len(households) + sum(1 for i in range(len(instance.people)) if i not in in_household)
    if distinct < k:
        out.append(f"the pool has only {distinct} distinct households for a panel of {k}")
    for category in instance.categories:
        qs = [q for q in instance.quotas if q.category == category]
        if sum(q.min for q in qs) > k:
            out.append(f"{category}: the minimums add up to {sum(q.min for q in qs)}, more than the panel size {k}")
        if sum(q.max for q in qs) < k:
            out.append(f"{category}: the maximums add up to {sum(q.max for q in qs)}, less than the panel size {k}")
    household_of = {i: h[0] for h in households for i in h}
    for q in instance.quotas:
        holders = [i for i, p in enumerate(instance.people) if p.features[q.category] == q.value]
        usable = len({household_of.get(i, -1 - i) for i in holders}) if instance.household_rule else len(holders)
        if usable < q.min:
            out.append(f"{q.category}={q.value}: needs at least {q.min} but the pool can give only {usable}")
    return out


def smallest_relaxation(instance: Instance) -> list[Relaxation] | None:
    """Quota changes of least total size that make a panel possible; None if no quota change can."""
    groups = group_people(instance)
    rows, _ = constraint_rows(groups)
    n = groups.count
    quotas = [q for q, _ in groups.quota_groups]
    m = len(quotas)
    # Columns: group counts (integer), then for each quota how far its minimum drops and its maximum rises.
    h = new_highs()
    num_col = n + 2 * m
    lower = np.zeros(num_col)
    upper = np.concatenate([groups.sizes.astype(np.float64), np.full(2 * m, highspy.kHighsInf)])
    cost = np.concatenate([np.zeros(n), np.ones(2 * m)])
    h.addVars(num_col, lower, upper)
    h.changeColsCost(num_col, np.arange(num_col, dtype=np.int32), cost)
    h.changeColsIntegrality(
        num_col, np.arange(num_col, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * num_col)
    )
    inf = highspy.kHighsInf
    for r, (gs, lo, hi) in enumerate(rows):
        idx = np.array(gs, dtype=np.int32)
        if 1 <= r <= m:
            j = r - 1
            # sum + drop_j >= min  and  sum - rise_j <= max
            h.addRow(lo, inf, len(idx) + 1, np.append(idx, n + j).astype(np.int32), np.ones(len(idx) + 1))
            h.addRow(
                -inf,
                hi,
                len(idx) + 1,
                np.append(idx, n + m + j).astype(np.int32),
                np.append(np.ones(len(idx)), -1.0),
            )
        else:
            h.addRow(lo, hi, len(idx), idx, np.ones(len(idx)))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS relaxation search ended with {h.modelStatusToString(status)}")
    x = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)
    out = []
    for j, q in enumerate(quotas):
        drop, rise = int(x[n + j]), int(x[n + m + j])
        if drop or rise:
            out.append(Relaxation(q.category, q.value, q.min, q.max, q.min - drop, q.max + rise))
    return out


def conflicting_bounds(instance: Instance) -> list[ConflictingBound]:
    """A set of quota bounds that cannot all hold together, none of which can be left out (an irreducible
    infeasible subset: dropping any one of them makes a panel possible).

    Deletion filter (Chinneck and Dravnieks, ORSA Journal on Computing 3(2), 1991): drop each bound in turn
    (a minimum to 0, a maximum to the panel size); if no panel exists even so, the bound is not needed for the
    conflict and stays dropped, otherwise it is restored. One integer feasibility problem per bound. Empty when
    a feasible instance is given or when no change of the quotas helps.
    """
    groups = group_people(instance)
    search = PanelSearch(groups)
    if search.any_panel() is not None:
        return []
    k = float(instance.panel_size)
    quotas = [q for q, _ in groups.quota_groups]
    # Row 0 is the panel size; rows 1..m are the quotas, in order (constraint_rows).
    lower = [float(q.min) for q in quotas]
    upper = [float(q.max) for q in quotas]

    def set_row(j: int) -> None:
        search.highs.changeRowBounds(j + 1, lower[j], upper[j])

    for j in range(len(quotas)):
        lower[j], upper[j] = 0.0, k
        set_row(j)
    if search.any_panel() is None:
        return []
    for j in range(len(quotas)):
        lower[j], upper[j] = float(quotas[j].min), float(quotas[j].max)
        set_row(j)
    needed: list[ConflictingBound] = []
    for j, q in enumerate(quotas):
        for side in ("min", "max"):
            if (side == "min" and q.min == 0) or (side == "max" and q.max >= instance.panel_size):
                continue  # a bound that excludes nothing cannot be part of a conflict
            if side == "min":
                lower[j] = 0.0
            else:
                upper[j] = k
            set_row(j)
            if search.any_panel() is not None:
                # Without this bound a panel exists: it is part of the conflict.
                if side == "min":
                    lower[j] = float(q.min)
                else:
                    upper[j] = float(q.max)
                set_row(j)
                needed.append(ConflictingBound(q.category, q.value, side, q.min if side == "min" else q.max))
    return needed


def forced_probabilities(instance: Instance) -> list[ForcedProbability]:
    """People whose selection probability is forced near 1 or near 0 by the quotas.

    Bounds come from the linear relaxation of the panel constraints (valid, perhaps loose): interchangeable
    people share one probability under LEXIMIN, so a group's count bounds bound each member's chance.
    """
    groups = group_people(instance)
    ok, low, high = selectable_groups(groups)
    if not ok.any() and groups.count:
        return []
    out: list[ForcedProbability] = []
    for g, members in enumerate(groups.members):
        size = len(members)
        lo, hi = max(low[g] / size, 0.0), min(high[g] / size, 1.0)
        ids = tuple(instance.people[i].id for i in members)
        features = ", ".join(f"{c}={instance.people[members[0]].features[c]}" for c in instance.categories)
        if hi <= NEAR_ZERO:
            out.append(ForcedProbability(ids, lo, hi, f"{features}: the quotas leave room for almost none"))
        elif lo >= NEAR_ONE:
            out.append(ForcedProbability(ids, lo, hi, f"{features}: the quotas need almost all of them"))
    return out


def check(instance: Instance) -> FeasibilityReport:
    groups = group_people(instance)
    if PanelSearch(groups).any_panel() is not None:
        return FeasibilityReport(True, forced=forced_probabilities(instance))
    conflicts = _counting_conflicts(instance)
    relaxations = smallest_relaxation(instance)
    conflicting: list[ConflictingBound] = []
    if relaxations is None:
        conflicts.append("no change to the quotas helps: the household rule or the pool size rules it out")
        relaxations = []
    elif not conflicts:
        # No count proves the conflict: name the bounds that make it (a second or two on 1,000 people, so only
        # here, where nothing else explains it).
        conflicting = conflicting_bounds(instance)
        names = ", ".join(bound.describe() for bound in conflicting)
        conflicts.append(f"these quotas cannot all hold together: {names}")
    return FeasibilityReport(False, conflicts, relaxations, conflicting=conflicting)
