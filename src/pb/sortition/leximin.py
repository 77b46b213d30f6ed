"""LEXIMIN panel selection with open solvers (HiGHS).

Flanigan, Gölz, Gupta, Hennig, Procaccia, "Fair algorithms for selecting citizens' assemblies",
Nature 596 (2021): LEXIMIN maximises the minimum selection probability, then, keeping everyone at or
above what they have, the second smallest, and so on. The distribution is over exponentially many panels,
so each step is a linear program solved by column generation: the restricted LP's duals give weights, and an
integer program (`PanelSearch`) finds the panel with the largest total weight. When no panel beats the
LP's bound by more than `tolerance`, the step's value is within `tolerance` of optimal (LP duality), and
the people with positive dual weight are tight in every optimal solution (complementary slackness), so
their probability is fixed and the next step maximises the minimum over the others.

Everything runs on groups of interchangeable people (see `panels.py`).
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import highspy
import numpy as np

from pb.sortition.models import Instance
from pb.sortition.panels import (
    FloatArray,
    Groups,
    IntArray,
    PanelSearch,
    PricingResult,
    SolverError,
    build_lp,
    constraint_rows,
    group_people,
    highs_version,
    new_highs,
)

# Per attempt; see _MasterLP.solve.
LP_ATTEMPT_SECONDS = 15.0
# When the master LP holds more than `column_cap` panels (default 4 per group, at least 400), the
# worst-priced nonbasic ones are dropped down to this share of the cap. Measured on the 1,000-person
# pool (CPU seconds, whole run): no dropping 75 s; cap 4n keeping half 57 s; keeping three quarters
# 52 s; cap 800 (about 2n) keeping half 116 s, because panels dropped too eagerly have to be priced in
# again, round after round.
PRUNE_KEEP = 0.75
# Warm re-solves after adding panels: the primal simplex keeps the basis primal feasible, and presolve
# would throw the basis away (measured: about 4 times fewer LP seconds than the defaults).
LP_OPTIONS: dict[str, str | int | float | bool] = {"presolve": "off", "simplex_strategy": 4}
ALGORITHM = "leximin (Flanigan et al. 2021), column generation over panels of interchangeable groups"


@dataclass(frozen=True)
class Progress:
    stage: int
    fixed_groups: int
    groups: int
    panels: int
    current_minimum: float
    seconds: float
    message: str


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class SelectionResult:
    instance: Instance
    groups: Groups
    # Panels as count vectors over groups (one row per panel) and their probabilities.
    panel_counts: IntArray
    panel_probabilities: FloatArray
    # Per person, in pool order.
    probabilities: FloatArray
    run_info: dict[str, object] = field(default_factory=dict)

    @property
    def min_probability(self) -> float:
        return float(self.probabilities.min())

    def probability_by_id(self) -> dict[str, float]:
        return {p.id: float(self.probabilities[i]) for i, p in enumerate(self.instance.people)}


class InfeasibleQuotasError(ValueError):
    """No panel satisfies every quota and the household rule; `feasibility.check` explains why."""


def software_versions() -> dict[str, str]:
    def dist(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "pb": dist("pb"),
        "python": platform.python_version(),
        "highs": highs_version(),
        "highspy": dist("highspy"),
        "numpy": np.__version__,
    }


class _MasterLP:
    """The restricted LP of one LEXIMIN step, kept in one HiGHS object so re-solves start warm.

    Maximise z over panel probabilities lambda_P >= 0 with sum lambda_P = 1, subject to
    sum_P lambda_P c_Pg / n_g >= z for the groups still free and >= f_g for the groups already fixed.
    The duals y_g of the group rows are the weights for the panel search. The basis has one row per group
    (not per panel), which keeps re-solves cheap as panels accumulate. One object serves every step:
    `fix` turns newly fixed groups' rows into lower bounds, so the next step starts from the last basis.
    """

    def __init__(self, groups: Groups, fixed: FloatArray, panels: IntArray) -> None:
        self.n = groups.count
        self.inv_sizes = 1.0 / groups.sizes.astype(np.float64)
        self.highs = new_highs()
        for k, v in LP_OPTIONS.items():
            self.highs.setOptionValue(k, v)
        self.retries = 0
        free = np.isnan(fixed)
        free_idx = np.flatnonzero(free).astype(np.int32)
        lp = highspy.HighsLp()
        lp.num_col_ = 1
        lp.num_row_ = self.n + 1
        lp.col_cost_ = np.array([1.0])
        lp.col_lower_ = np.array([-highspy.kHighsInf])
        lp.col_upper_ = np.array([highspy.kHighsInf])
        lp.row_lower_ = np.concatenate([np.where(free, 0.0, np.nan_to_num(fixed)), [1.0]])
        lp.row_upper_ = np.concatenate([np.full(self.n, highspy.kHighsInf), [1.0]])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array([0, len(free_idx)], dtype=np.int32)
        lp.a_matrix_.index_ = free_idx
        lp.a_matrix_.value_ = -np.ones(len(free_idx))
        lp.sense_ = highspy.ObjSense.kMaximize
        if self.highs.passModel(lp) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS refused the LEXIMIN master model")
        self.fixed_now = ~free
        self.columns = 0
        self.panel_index: list[int] = []
        self.counts: list[IntArray] = []
        self.add_panels(panels, list(range(len(panels))))

    def fix(self, fixed: FloatArray) -> None:
        """Move newly fixed groups from the minimum into their own lower bounds, keeping the basis."""
        for g in np.flatnonzero(~np.isnan(fixed)):
            if self.fixed_now[g]:
                continue
            self.fixed_now[g] = True
            self.highs.changeCoeff(int(g), 0, 0.0)
            self.highs.changeRowBounds(int(g), float(fixed[g]), highspy.kHighsInf)

    def add_panels(self, counts: IntArray, indices: list[int]) -> None:
        counts = np.atleast_2d(counts)
        self.panel_index.extend(indices)
        self.counts.extend(counts)
        starts: list[int] = []
        index: list[IntArray] = []
        value: list[FloatArray] = []
        total = 0
        for c in counts:
            nz = np.flatnonzero(c)
            starts.append(total)
            index.append(np.concatenate([nz, [self.n]]))
            value.append(np.concatenate([c[nz] * self.inv_sizes[nz], [1.0]]))
            total += len(nz) + 1
        k = len(counts)
        self.highs.addCols(
            k,
            np.zeros(k),
            np.zeros(k),
            np.full(k, highspy.kHighsInf),
            total,
            np.array(starts, dtype=np.int32),
            np.concatenate(index).astype(np.int32),
            np.concatenate(value),
        )
        self.columns += k

    def prune(self, weights: FloatArray, t_lp: float, keep: int) -> list[int]:
        """Drop nonbasic columns far from pricing in, keeping the `keep` best; returns the dropped panels.

        Each simplex iteration prices every column, so thousands of stale panels slow every re-solve
        (on the 1,000-person pool the LP grew to 3,900 columns and took 60 of 75 CPU seconds). Only nonbasic
        columns go, so the basis stays valid and the next solve stays warm. A dropped panel stays in the
        caller's pool and comes back when its reduced cost turns positive again.
        """
        if self.columns <= keep:
            return []
        status = self.highs.getBasis().col_status
        basic = np.array([status[j + 1] == highspy.HighsBasisStatus.kBasic for j in range(self.columns)])
        values = np.array([float(weights @ c) for c in self.counts])
        order = np.argsort(-values, kind="stable")
        keep_mask = basic.copy()
        keep_mask[order[:keep]] = True
        keep_mask |= values > t_lp - 1e-9
        drop = np.flatnonzero(~keep_mask)
        if len(drop) == 0:
            return []
        if self.highs.deleteCols(len(drop), (drop + 1).astype(np.int32)) != highspy.HighsStatus.kOk:
            raise SolverError("HiGHS refused to drop LEXIMIN master columns")
        dropped = [self.panel_index[j] for j in drop]
        kept = np.flatnonzero(keep_mask)
        self.panel_index = [self.panel_index[j] for j in kept]
        self.counts = [self.counts[j] for j in kept]
        self.columns = len(kept)
        return dropped

    def solve(self) -> tuple[float, FloatArray, FloatArray]:
        """(objective, group weights y, panel probabilities indexed like `panel_index`)."""
        # The simplex can stall on these very degenerate LPs (many groups tight at one value).
        # Bounded attempts: warm primal simplex, then cold dual simplex, then interior point with crossover.
        attempts: list[dict[str, str | int | float | bool]] = [
            {"time_limit": LP_ATTEMPT_SECONDS},
            {"time_limit": LP_ATTEMPT_SECONDS, "simplex_strategy": 1},
            {"time_limit": 4 * LP_ATTEMPT_SECONDS, "solver": "ipm", "run_crossover": "on"},
        ]
        status = highspy.HighsModelStatus.kNotset
        for k, options in enumerate(attempts):
            if k:
                self.retries += 1
                self.highs.clearSolver()
            for name, value in options.items():
                self.highs.setOptionValue(name, value)
            # HiGHS measures time_limit against the object's total run time, so offset it.
            self.highs.setOptionValue("time_limit", self.highs.getRunTime() + float(options["time_limit"]))
            self.highs.run()
            status = self.highs.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                break
        for name, value in LP_OPTIONS.items():
            self.highs.setOptionValue(name, value)
        self.highs.setOptionValue("solver", "choose")
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS LEXIMIN LP ended with {self.highs.modelStatusToString(status)}")
        sol = self.highs.getSolution()
        y = np.abs(np.asarray(sol.row_dual[: self.n]))
        lam = np.maximum(np.asarray(sol.col_value[1:]), 0.0)
        objective = float(sol.col_value[0])
        return objective, y, lam


class _Neighbourhood:
    """Panels one swap away from a given panel (one member out, one person of another group in).

    Column generation converges in fewer rounds when each round adds several improving panels; swaps of
    the integer program's best panel are cheap to enumerate and often also have positive reduced cost.
    """

    def __init__(self, groups: Groups) -> None:
        rows, _ = constraint_rows(groups)
        self.matrix = np.zeros((len(rows), groups.count))
        for r, (gs, _, _) in enumerate(rows):
            self.matrix[r, list(gs)] = 1.0
        self.lower = np.array([lo for _, lo, _ in rows])[:, None]
        self.upper = np.array([hi for _, _, hi in rows])[:, None]
        self.sizes = groups.sizes

    def feasible(self, counts: IntArray) -> bool:
        rows = self.matrix @ counts
        sizes_ok = bool(np.all((counts >= 0) & (counts <= self.sizes)))
        return sizes_ok and bool(np.all((rows >= self.lower[:, 0] - 1e-9) & (rows <= self.upper[:, 0] + 1e-9)))

    def best_swaps(self, counts: IntArray, weights: FloatArray, threshold: float, limit: int) -> list[IntArray]:
        outs = np.flatnonzero(counts > 0)
        ins = np.flatnonzero(counts < self.sizes)
        if len(outs) == 0 or len(ins) == 0:
            return []
        base = float(weights @ counts)
        gain = weights[ins][None, :] - weights[outs][:, None]
        candidates = np.argwhere(base + gain > threshold)
        if len(candidates) == 0:
            return []
        a = outs[candidates[:, 0]]
        b = ins[candidates[:, 1]]
        new_rows = (self.matrix @ counts)[:, None] - self.matrix[:, a] + self.matrix[:, b]
        ok = np.all((new_rows >= self.lower - 1e-9) & (new_rows <= self.upper + 1e-9), axis=0)
        a, b = a[ok], b[ok]
        order = np.argsort(-(weights[b] - weights[a]), kind="stable")[:limit]
        found: list[IntArray] = []
        for k in order:
            c = counts.copy()
            c[a[k]] -= 1
            c[b[k]] += 1
            found.append(c)
        return found


def _initial_panels(search: PanelSearch, groups: Groups, selectable: np.ndarray) -> list[IntArray]:
    """Panels that together include every group that can be selected at all.

    Weight the groups not yet covered (scaled by 1/size, so large groups do not crowd small ones out);
    each new panel covers as many of them as the quotas allow.
    """
    panels: list[IntArray] = []
    covered = ~selectable
    inv = 1.0 / groups.sizes
    while not covered.all():
        weights = np.where(covered, 0.0, 1.0 + inv)
        found = search.best(weights)
        if found is None:
            raise InfeasibleQuotasError("no panel satisfies the quotas")
        newly = (found.counts > 0) & ~covered
        if not newly.any():
            break
        covered |= found.counts > 0
        panels.append(found.counts)
    return panels


def selectable_groups(groups: Groups) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Which groups can appear in some panel, and LP bounds on each group's count.

    Bounds come from the linear relaxation of the panel polytope, so they are valid (maybe loose): the
    count of group g lies in [low[g], high[g]] in every panel. A group with high[g] == 0 is never selected.
    """
    h = new_highs()
    if h.passModel(build_lp(groups, integer=False)) != highspy.HighsStatus.kOk:
        raise SolverError("HiGHS refused the bounds model")
    n = groups.count
    low = np.zeros(n)
    high = np.zeros(n)
    idx = np.arange(n, dtype=np.int32)
    for sense, out in ((highspy.ObjSense.kMinimize, low), (highspy.ObjSense.kMaximize, high)):
        h.changeObjectiveSense(sense)
        for g in range(n):
            cost = np.zeros(n)
            cost[g] = 1.0
            h.changeColsCost(n, idx, cost)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kInfeasible:
                return np.zeros(n, dtype=bool), low, high
            if status != highspy.HighsModelStatus.kOptimal:
                raise SolverError(f"HiGHS bounds LP ended with {h.modelStatusToString(status)}")
            out[g] = float(h.getSolution().col_value[g])
    return high > 1e-9, low, high


def find_leximin(
    instance: Instance,
    *,
    tolerance: float = 1e-6,
    swaps_per_round: int = 10,
    smoothing: float = 0.8,
    progress: ProgressCallback | None = None,
    column_cap: int | None = None,
) -> SelectionResult:
    """The LEXIMIN distribution over panels of `instance`.

    `tolerance` bounds, per step, how far the step's minimum may be below the true optimum (the column
    generation stops when no panel improves the LP bound by more than this). `column_cap` bounds the
    number of panels kept in the master LP (see `PRUNE_KEEP`); it changes the speed, not the result.
    """
    started = time.perf_counter()
    groups = group_people(instance)
    n = groups.count
    sizes = groups.sizes.astype(np.float64)
    search = PanelSearch(groups)
    neighbourhood = _Neighbourhood(groups)

    def report(stage: int, fixed: int, panels: int, minimum: float, message: str) -> None:
        if progress is not None:
            progress(Progress(stage, fixed, n, panels, minimum, time.perf_counter() - started, message))

    if search.any_panel() is None:
        raise InfeasibleQuotasError(f"{instance.name or 'instance'}: no panel satisfies every quota")
    selectable, _, _ = selectable_groups(groups)
    panels = _initial_panels(search, groups, selectable)
    known: dict[bytes, int] = {p.tobytes(): i for i, p in enumerate(panels)}
    fixed = np.full(n, np.nan)
    # People who can be in no feasible panel have probability 0 in every distribution.
    fixed[~selectable] = 0.0
    pricing_rounds = 0
    pricing_seconds = 0.0

    def price(point: FloatArray) -> PricingResult:
        nonlocal pricing_rounds, pricing_seconds
        t0 = time.process_time()
        found = search.best(point / sizes)
        pricing_seconds += time.process_time() - t0
        pricing_rounds += 1
        if found is None:
            raise SolverError("panel search became infeasible during column generation")
        return found

    report(0, int((~selectable).sum()), len(panels), 0.0, "initial panels")

    stage = 0
    lam = np.zeros(0)
    lp_seconds = 0.0
    lp = _MasterLP(groups, fixed, np.array(panels))
    # Panels generated so far but dropped from the LP (see _MasterLP.prune).
    dropped: set[int] = set()
    columns_dropped = 0
    # Small LPs re-solve fast whatever their width; dropping only pays off on large ones.
    cap = column_cap if column_cap is not None else max(4 * n, 400)
    while np.isnan(fixed).any():
        stage += 1
        lp.fix(fixed)
        free = np.isnan(fixed)
        fixed_values = np.where(free, 0.0, fixed)
        center: FloatArray | None = None
        best_bound = np.inf
        while True:
            t0 = time.process_time()
            objective, y, lam_columns = lp.solve()
            lam = np.zeros(len(panels))
            lam[lp.panel_index] = lam_columns
            lp_seconds += time.process_time() - t0
            # The restricted LP's most valuable known panel has weight t_lp under y.
            t_lp = objective + float(fixed_values @ y)
            # Wentges smoothing (Wentges 1997; Pessoa et al. 2018): price at a point between the best dual
            # seen so far (the stability centre) and the LP's dual. LP duals of this LP jump between the
            # vertices of a large optimal face; the centre damps that and cuts the number of rounds.
            # Once the centre's bound meets the LP value, verify at the LP's own dual.
            smoothed = center is not None and best_bound - objective > tolerance and smoothing > 0
            point = smoothing * center + (1 - smoothing) * y if smoothed and center is not None else y
            found = price(point)
            # LP duality: every distribution's minimum is at most this bound.
            bound_here = found.bound - float(fixed_values @ point)
            if bound_here < best_bound:
                best_bound, center = bound_here, point
            weights = y / sizes
            if not smoothed and found.bound - t_lp <= tolerance:
                break  # no panel has positive reduced cost at y: y is optimal for the full problem
            found_list = [found]
            if smoothed and float(weights @ found.counts) <= t_lp + tolerance:
                # Mispricing: the smoothed point's panel does not help the LP; price at y itself.
                at_y = price(y)
                if at_y.bound - t_lp <= tolerance:
                    break
                found_list.append(at_y)
            new = []
            for f in found_list:
                for c in (f.counts, *f.alternatives):
                    if float(weights @ c) > t_lp + tolerance and neighbourhood.feasible(c):
                        new.append(c)
                new.extend(neighbourhood.best_swaps(f.counts, weights, t_lp + tolerance, swaps_per_round))
            if dropped:
                # Dropped panels that price in again come back (cheaper than finding them again).
                pool = np.array(sorted(dropped), dtype=np.int64)
                values = np.array([float(weights @ panels[i]) for i in pool])
                new.extend(panels[i] for i in pool[values > t_lp + tolerance])
            unique = {c.tobytes(): c for c in new}
            back = [known[b] for b in unique if b in known and known[b] in dropped]
            fresh = [c for b, c in unique.items() if b not in known]
            if not fresh and not back:
                # The LP cannot improve with panels it already has; numerical noise, treat as converged.
                break
            for c in fresh:
                known[c.tobytes()] = len(panels)
                panels.append(c)
            indices = back + list(range(len(panels) - len(fresh), len(panels)))
            dropped.difference_update(back)
            lp.add_panels(np.array([panels[i] for i in indices]), indices)
            if lp.columns > cap:
                gone = lp.prune(weights, t_lp, int(cap * PRUNE_KEEP))
                dropped.update(gone)
                columns_dropped += len(gone)
        # Complementary slackness: positive dual weight => tight at the step's value in every optimum.
        tight = free & (y > 1e-9)
        if not tight.any():
            tight = free & (y >= y[free].max())
        # A hair below the step's value, so the next LP starts strictly feasible (less degenerate).
        fixed[tight] = max(objective - 1e-10, 0.0)
        report(stage, int((~np.isnan(fixed)).sum()), len(panels), objective, f"step {stage}: {objective:.6f}")

    counts = np.array(panels, dtype=np.int64)
    lam = np.where(lam > 1e-12, lam, 0.0)
    lam = lam / lam.sum()
    keep = lam > 0
    counts, lam = counts[keep], lam[keep]
    group_prob = (lam @ counts) / sizes
    probabilities = groups.expand(group_prob)
    info: dict[str, object] = {
        "algorithm": ALGORITHM,
        "solver": (
            "HiGHS (highspy): primal simplex for the LPs (dual simplex, then interior point, only after a "
            "stalled attempt, counted in lp_retries), branch and cut for the panel search"
        ),
        "versions": software_versions(),
        "tolerance": tolerance,
        "groups": n,
        "steps": stage,
        "lp_retries": lp.retries,
        "pricing_rounds": pricing_rounds,
        "panels_generated": len(panels),
        "panels_in_support": int(keep.sum()),
        "column_cap": cap,
        "columns_dropped": columns_dropped,
        "lp_seconds": round(lp_seconds, 3),
        "pricing_seconds": round(pricing_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    return SelectionResult(instance, groups, counts, lam, probabilities, info)
