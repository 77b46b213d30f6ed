"""The Method of Equal Shares (MES) with cost utilities, and the completions used in practice.

Peters & Skowron 2020 ("Proportionality and the limits of welfarism"), Peters, Pierczyński & Skowron 2021
("Proportional participatory budgeting with additive utilities"): every voter gets an equal share of the
budget; in each round the project is funded whose cost its supporters can cover with the lowest maximum
payment per unit of utility (its affordability `rho`); a supporter pays `min(budget, rho * utility)`.
Utilities are cost utilities: a voter's utility for a project is its cost times the points the voter gave it
(1 for approval and choose-1; `max_length - position` for Kraków-style rankings, see election.py).

Arithmetic. Money and endowments are exact (int/Fraction). A run first computes in float64 with numpy
(merged identical ballots; per-project supporter arrays; the payments by a few vectorised passes of the
"poor/rich" fixed point, falling back to a sort + cumulative sum; and the lazy re-evaluation of
equalshares.net and pabutools: an affordability only grows, so a project whose previous value is already
worse than the best one found this round need not be recomputed). Whenever a decision is within a relative
1e-9 of a tie (two affordabilities, or the money a project's supporters have left against its cost), the run
switches to an exact shadow: it replays the run so far in Fractions and decides that comparison exactly.

Skipping completion steps. A completion raises the endowment by 1 per step, and Hungarian budgets in forints
need 10^4-10^5 steps. Within one run every budget and affordability is an affine function of the endowment
for as long as every comparison the run made keeps its sign (which project is cheapest per unit of utility,
which supporters pay in full, which projects are out of money); a run therefore also reports how far the
endowment can rise with its outcome unchanged (`Run.stable`), and the completions skip the steps strictly
inside that distance: they would give the same outcome and hence the same stop decision. A run that met a
near-tie it could not prove persistent, or needed exact arithmetic for affordability, reports 0 (no skip).
`skip=False` gives the plain step-by-step loop; tests check both agree.

Batches. Where the outcome's order changes at about every second step (Toulouse: `stable` stays below 1), the
completions take the following endowments from `_batch_runs`, which runs MES for up to 256 consecutive
endowments at once, one column of budgets per endowment, each column deciding as its own float run would;
a column that meets a near-tie it cannot settle exactly (only ties of projects whose affordability is proven
exact, as in `_exact_rho`, are settled there) is recomputed by `mes_run`. Batches are used only for elections
with short supporter arrays, where a run's time is Python overhead; on long arrays they are no faster.

Completions (see rules.py and /work/shared/pabulib/README.md, "Conventions that change outcomes"):
- `mes_add1_es` (pb's default; equalshares.net's published code, "exhaustive" + "integral"): start at
  floor(budget/voters) per voter, +1 per step; stop when the outcome is exhaustive w.r.t. all projects or when
  the next step would overspend.
- `mes_add1u_es`: `mes_add1_es`, then a utilitarian fill by vote count (equalshares.net's online tool, "add1u").
- `mes_add1` (pabutools 1.2.3 `voter_budget_increment=1`): start at exactly budget/voters; return the outcome
  when it is exhaustive w.r.t. projects with a supporter; return the previous one when it overspends.
- `mes_add1_checker` (Pabulib's checker): budget/voters, then floor(budget/voters)+1, +2, ... while the
  outcome fits, with no exhaustiveness stop; it stops once every supported project is funded, and the step
  count is bounded by the total cost of all projects, so it cannot loop forever.
- `mes`: one run at budget/voters; `mes_add1_greedy`: `mes_add1` then greedy by score (pabutools "Add1U").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from pb.counting.election import Election, Outcome, TieRecord
from pb.counting.greedy import greedy
from pb.counting.pabulib import Number
from pb.counting.ties import TieOrder, criterion, tie_key

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# Relative distance under which two float64 values are treated as a possible tie and re-checked exactly.
# Budgets lose at most a few ulps per round; 1e-9 leaves a margin of several orders of magnitude.
NEAR = 1e-9

Progress = Callable[[int, Fraction], None]


@dataclass
class _Project:
    index: int
    cost: Number
    cost_f: float
    groups: IntArray
    points: FloatArray
    weights: FloatArray
    weighted_points: FloatArray
    total_points: float
    unit: bool
    groups_list: list[int]
    points_exact: list[Number]
    total_exact: Number


@dataclass
class Prepared:
    """Per-election arrays reused by every MES run of a completion."""

    election: Election
    weights_exact: list[int]
    projects: list[_Project]
    # Projects with supporters and cost 0 are funded before the first round (as pabutools does).
    free: list[int]
    supported: set[int]
    runs: int = 0
    _keys: dict[str, Callable[[int], tuple[object, ...]]] = field(default_factory=dict)

    def key(self, ties: TieOrder) -> Callable[[int], tuple[object, ...]]:
        if ties not in self._keys:
            self._keys[ties] = tie_key(self.election, ties)
        return self._keys[ties]


def prepare(election: Election) -> Prepared:
    weights_exact = [ballot.weight for ballot in election.ballots]
    weights = np.array(weights_exact, dtype=np.float64)
    members: list[list[tuple[int, Number]]] = [[] for _ in election.projects]
    for group, ballot in enumerate(election.ballots):
        for index, points in ballot.points:
            members[index].append((group, points))
    projects: list[_Project] = []
    free: list[int] = []
    supported: set[int] = set()
    for index, project in enumerate(election.projects):
        if not members[index]:
            continue
        supported.add(index)
        if project.cost == 0:
            free.append(index)
            continue
        groups = np.array([group for group, _ in members[index]], dtype=np.intp)
        points_exact = [points for _, points in members[index]]
        points_float = np.array([float(value) for value in points_exact], dtype=np.float64)
        group_weights = weights[groups]
        projects.append(
            _Project(
                index=index,
                cost=project.cost,
                cost_f=float(project.cost),
                groups=groups,
                points=points_float,
                weights=group_weights,
                weighted_points=group_weights * points_float,
                total_points=float(np.dot(group_weights, points_float)),
                unit=all(value == 1 for value in points_exact),
                groups_list=[group for group, _ in members[index]],
                points_exact=points_exact,
                total_exact=sum((weights_exact[g] * p for g, p in members[index]), 0),
            )
        )
    return Prepared(election, weights_exact, projects, free, supported)


@dataclass
class Run:
    """One MES run: funded project indices in order, their cost, and the ties resolved on the way."""

    endowment: Fraction
    selected: list[int]
    cost: Number
    ties: list[TieRecord]
    stable: float = 0.0


class _Exact:
    """Exact budgets of one run, brought up to date on demand by replaying the run's selections in Fractions.

    Groups whose budgets went through the same payments share one Fraction object, so the exact work is per
    distinct budget, not per voter group.
    """

    def __init__(self, prepared: Prepared, endowment: Fraction) -> None:
        self.prepared = prepared
        self.budgets: list[Fraction] = [endowment] * len(prepared.weights_exact)
        self.done = 0

    def sync(self, history: list[_Project]) -> None:
        while self.done < len(history):
            project = history[self.done]
            price = self.price(project)
            assert price is not None, "a funded project is affordable"
            self.pay(project, price)
            self.done += 1

    def price(self, project: _Project) -> Fraction | None:
        """The exact price per point (rho * cost), or None if the supporters cannot pay the cost."""
        weights = self.prepared.weights_exact
        budgets = self.budgets
        # Same budget object (same payment history) and same points: one row with the summed weight.
        same: dict[tuple[int, Number], tuple[Fraction, Number]] = {}
        weight_of: dict[tuple[int, Number], int] = {}
        for group, points in zip(project.groups_list, project.points_exact, strict=True):
            budget = budgets[group]
            key = (id(budget), points)
            if key not in same:
                same[key] = (budget, points)
                weight_of[key] = 0
            weight_of[key] += weights[group]
        rows: list[tuple[Fraction, Fraction, Number, int]] = []
        available = Fraction(0)
        for key, (budget, points) in same.items():
            weight = weight_of[key]
            available += weight * budget
            rows.append((budget / points if points != 1 else budget, budget, points, weight))
        if available < project.cost:
            return None
        rows.sort(key=lambda row: row[0])
        paid = Fraction(0)
        remaining_points: Number = project.total_exact
        for ratio, budget, points, weight in rows:
            # Peters & Skowron 2020: the price q solves sum_i min(b_i, q * p_i) = cost; voters whose budget
            # is below q * p_i pay all they have.
            price = (project.cost - paid) / Fraction(remaining_points)
            if price <= ratio:
                return price
            paid += weight * budget
            remaining_points -= weight * points
        raise AssertionError("unreachable: available >= cost")  # pragma: no cover

    def pay(self, project: _Project, price: Fraction) -> None:
        budgets = self.budgets
        after: dict[tuple[int, Number], Fraction] = {}
        for group, points in zip(project.groups_list, project.points_exact, strict=True):
            budget = budgets[group]
            key = (id(budget), points)
            new = after.get(key)
            if new is None:
                new = after[key] = budget - min(budget, price * points)
            budgets[group] = new


@dataclass
class _Price:
    """A float price per point; `rich` when no supporter is short of it by more than the margin."""

    value: float
    rich: bool
    # With tracking: the derivative of the price with respect to the endowment, and how far the endowment
    # can rise before a supporter changes sides between paying in full and paying the price (see _stability).
    slope: float = 0.0
    stable: float = math.inf
    # With tracking: every supporter short of the price has nothing left at any nearby endowment (budget and
    # slope exactly 0, having paid in full before), so the price is cost / (points of the others): constant.
    constant: bool = False
    # The exact affordability when the float computation proves it: supporters short of the price all hold
    # exactly nothing and the others clearly can pay, so rho = 1 / (points of the others), an integer ratio.
    exact_rho: Fraction | None = None


def _float_price(project: _Project, budgets: FloatArray) -> _Price | None:
    """The float price per point, None if surely unaffordable, NaN if too close to call."""
    mine = budgets[project.groups]
    available = float(np.dot(project.weights, mine))
    if available < project.cost_f * (1 - NEAR):
        return None
    if available <= project.cost_f * (1 + NEAR):
        return _Price(math.nan, False)
    ratios = mine if project.unit else mine / project.points
    lowest = float(ratios.min())
    everyone = project.cost_f / project.total_points
    if everyone < lowest * (1 - NEAR):
        # No supporter is short: all pay `cost / total points` per point, exactly (cost utilities).
        return _Price(everyone, True)
    # pabutools' "poor/rich" iteration (equalshares.net computes the same fixed point by sorting): voters
    # whose budget is below the price pay everything, the others share the rest; the price only rises, so a
    # few vectorised passes reach the fixed point without sorting the supporters.
    weighted_budgets = project.weights * mine
    price = everyone
    for _ in range(_POOR_RICH_PASSES):
        poor = ratios < price
        rich_points = project.total_points - float(np.dot(project.weighted_points, poor))
        if rich_points <= 0:
            return _Price(math.nan, False)
        new_price = (project.cost_f - float(np.dot(weighted_budgets, poor))) / rich_points
        if new_price <= price * (1 + 1e-15) or not bool(np.any(ratios[~poor] < new_price)):
            return _Price(max(new_price, price), False)
        price = new_price
    return _sorted_price(project, mine, ratios)


def _proven_rho(project: _Project, budgets: FloatArray, zero: npt.NDArray[np.bool_], price: _Price) -> Fraction | None:
    """The exact affordability when the float computation proves it, else None (see `_Price.exact_rho`)."""
    if not isinstance(project.total_exact, int) or project.total_points >= 2.0**52:
        return None
    mine = budgets[project.groups]
    ratios = mine if project.unit else mine / project.points
    short = ratios < price.value
    if not bool(np.all(zero[project.groups][short])) or bool(np.any(ratios[~short] < price.value * (1 + NEAR))):
        return None
    # Integer-valued float sums below 2**52 are exact.
    paying_points = project.total_exact - round(float(np.dot(project.weighted_points, short)))
    return Fraction(1, paying_points)


# Passes of the poor/rich iteration before falling back to a sort (a fixed point is usually reached in 2-4).
_POOR_RICH_PASSES = 6


def _sorted_price(project: _Project, mine: FloatArray, ratios: FloatArray) -> _Price:
    """The price per point by sorting the supporters by budget per point (equalshares.net's computation)."""
    order = np.argsort(ratios, kind="stable")
    sorted_ratios = ratios[order]
    paid = np.cumsum((project.weights * mine)[order])
    paid_before = np.concatenate(([0.0], paid[:-1]))
    # Suffix sums of the remaining supporters' points, computed from the end to keep their precision.
    remaining = np.cumsum(project.weighted_points[order][::-1])[::-1]
    prices = (project.cost_f - paid_before) / remaining
    fits = prices <= sorted_ratios * (1 + 1e-12)
    k = int(np.argmax(fits))
    if not fits[k]:
        return _Price(math.nan, False)
    return _Price(float(prices[k]), False)


def _sensitivity(project: _Project, budgets: FloatArray, slopes: FloatArray, price: _Price) -> None:
    """Fill in `price.slope` and `price.stable` for the price computed from `budgets`.

    Within one run, every budget is an affine function of the endowment as long as each supporter of each
    evaluated project stays on the same side (paying in full or paying the price): price per point
    q = (cost - sum of the short supporters' budgets) / (points of the others) is then affine too. This
    finds the nearest endowment, above the current one, at which some supporter would change sides.
    """
    mine = budgets[project.groups]
    mine_slopes = slopes[project.groups]
    ratios = mine if project.unit else mine / project.points
    ratio_slopes = mine_slopes if project.unit else mine_slopes / project.points
    short = ratios < price.value
    rich_points = project.total_points - float(np.dot(project.weighted_points, short))
    slope = -float(np.dot(project.weights * mine_slopes, short)) / rich_points
    gap = ratios - price.value
    drift = ratio_slopes - slope
    stable = math.inf
    leaving_short = short & (drift > 0)
    if leaving_short.any():
        stable = min(stable, float(np.min(-gap[leaving_short] / drift[leaving_short])))
    becoming_short = ~short & (drift < 0)
    if becoming_short.any():
        stable = min(stable, float(np.min(gap[becoming_short] / -drift[becoming_short])))
    price.slope = slope
    price.stable = stable
    price.constant = price.rich or not bool(np.any(mine[short]) or np.any(mine_slopes[short]))


def mes_run(prepared: Prepared, endowment: Fraction, ties: TieOrder, *, track: bool = False) -> Run:
    """One run of MES with every voter starting at `endowment`.

    With `track`, `Run.stable` is how far the endowment can rise with every comparison of this run keeping
    its outcome (see `identical_steps`); 0 whenever the run met a tie or needed exact arithmetic.
    """
    prepared.runs += 1
    election = prepared.election
    key = prepared.key(ties)
    budgets = np.full(len(prepared.weights_exact), float(endowment), dtype=np.float64)
    # d(budget)/d(endowment) of every group, for `track`.
    slopes = np.ones(len(prepared.weights_exact), dtype=np.float64) if track else budgets
    stable = math.inf if track else 0.0
    selected: list[int] = list(prepared.free)
    cost: Number = sum((election.projects[i].cost for i in prepared.free), 0)
    history: list[_Project] = []
    records: list[TieRecord] = []
    exact: _Exact | None = None
    # Groups whose exact budget is 0: they paid in full, clearly short of a price (by more than NEAR).
    zero = np.zeros(len(prepared.weights_exact), dtype=np.bool_)

    def exact_now() -> _Exact:
        nonlocal exact
        if exact is None:
            exact = _Exact(prepared, endowment)
        exact.sync(history)
        return exact

    # Affordability rho = price per point / cost; its last computed value is a lower bound for later rounds
    # (budgets only shrink), which is what makes the lazy re-evaluation exact. The initial 1 / total points
    # is a lower bound at every endowment, so its slope is 0.
    stale = {project.index: 1.0 / project.total_points for project in prepared.projects}
    stale_slope = dict.fromkeys(stale, 0.0)
    remaining = {project.index: project for project in prepared.projects}
    prices: dict[int, _Price] = {}
    while remaining:
        best = math.inf
        near: list[int] = []
        for index in sorted(remaining, key=stale.__getitem__):
            if stale[index] > best * (1 + NEAR):
                break  # lazy re-evaluation: this and all later projects cannot beat `best`
            project = remaining[index]
            price = _float_price(project, budgets)
            if price is not None and math.isnan(price.value):
                stable = 0.0  # too close to call in float: no claim about neighbouring endowments
                exact_value = exact_now().price(project)
                price = None if exact_value is None else _Price(float(exact_value), False)
            if price is None:
                if track and stable > 1:
                    # Removed for lack of money: stays so while the supporters' money stays below the cost.
                    available = float(np.dot(project.weights, budgets[project.groups]))
                    growth = float(np.dot(project.weights, slopes[project.groups]))
                    if growth > 0:
                        stable = min(stable, (project.cost_f - available) / growth)
                del remaining[index]
                continue
            if track and stable > 1:
                _sensitivity(project, budgets, slopes, price)
                stable = min(stable, price.stable)
            prices[index] = price
            rho = price.value / project.cost_f
            stale[index] = rho
            stale_slope[index] = price.slope / project.cost_f
            best = min(best, rho)
            if rho <= best * (1 + NEAR):
                near.append(index)
        if not remaining or not near:
            break
        near = [index for index in near if stale[index] <= best * (1 + NEAR)]
        winner_price: Fraction | None = None
        if len(near) > 1:
            for index in near:
                if not prices[index].rich:
                    prices[index].exact_rho = _proven_rho(remaining[index], budgets, zero, prices[index])
            exact_rho = {index: _exact_rho(remaining[index], prices[index], exact_now) for index in near}
            lowest = min(exact_rho.values())
            tied = sorted((index for index in near if exact_rho[index] == lowest), key=key)
            winner = tied[0]
            winner_price = exact_rho[winner] * remaining[winner].cost
            if len(tied) > 1:
                records.append(
                    TieRecord(
                        len(selected),
                        tuple(election.projects[i].project_id for i in tied),
                        election.projects[winner].project_id,
                        criterion(election, ties, winner, tied[1:]),
                    )
                )
        else:
            winner = near[0]
        project = remaining.pop(winner)
        if track and stable > 1:
            # The winner stays the winner while its affordability stays below every other candidate's
            # (current or, for candidates not re-evaluated this round, their lower bound).
            rho, rho_slope = stale[winner], stale_slope[winner]
            for other in remaining:
                gap = stale[other] - rho
                closing = rho_slope - stale_slope[other]
                if gap <= NEAR * rho:
                    # A (near-)tie the exact check resolved in the winner's favour.
                    if prices[winner].constant and other in prices and prices[other].constant:
                        # Both affordabilities are 1 / (points of the supporters who still pay), constant
                        # while no supporter changes sides (bounded by _sensitivity): the tie, decided
                        # exactly at this endowment, and its resolution persist.
                        continue
                    scale = max(abs(rho_slope), abs(stale_slope[other]))
                    if closing < -1e-6 * scale:
                        # The winner's affordability grows clearly slower: above this endowment it is
                        # strictly better, so it is still the one funded.
                        continue
                    stable = 0.0
                    break
                if closing > 0:
                    stable = min(stable, gap / closing)
        if exact is not None and exact.done == len(history) and not prices[winner].rich:
            # The exact budgets are current: keep them so, and take the float budgets from them.
            if winner_price is None:
                winner_price = exact.price(project)
                assert winner_price is not None
            exact.pay(project, winner_price)
            exact.done += 1
            budgets[project.groups] = [float(exact.budgets[g]) for g in project.groups_list]
            zero[project.groups] = [exact.budgets[g] == 0 for g in project.groups_list]
        else:
            price = prices[winner]
            mine = budgets[project.groups]
            if track and stable > 1:
                ratios = mine if project.unit else mine / project.points
                short = ratios < price.value
                slopes[project.groups] = np.where(short, 0.0, slopes[project.groups] - price.slope * project.points)
            if not price.rich:
                clearly_short = (mine if project.unit else mine / project.points) < price.value * (1 - NEAR)
                zero[project.groups[clearly_short]] = True
            budgets[project.groups] = np.maximum(mine - price.value * project.points, 0.0)
        history.append(project)
        selected.append(winner)
        cost += project.cost
    return Run(endowment, selected, cost, records, stable if track else 0.0)


# Batches of endowments. Where the outcome changes at almost every step (Toulouse 2022: the order of selection
# changes at about every second step, so `Run.stable` stays below one step), the completions run MES for many
# consecutive endowments at once: one column of budgets per endowment, each column deciding exactly as a
# separate run would (its own winner each round), so the numpy work is shared and the Python work is paid once
# per batch instead of once per endowment. A column that meets a decision within NEAR of a tie, which the
# scalar run would settle in exact arithmetic, is given up and recomputed by `mes_run`.

# At most this many budget cells (voter groups x endowments) per batch, to bound memory (8 bytes each).
_BATCH_CELLS = 4_000_000
_BATCH_WIDTHS = (8, 256)


# Batches pay off where a run's time is Python overhead (many projects with few supporter groups each: Toulouse);
# where it is numpy work over long supporter arrays (Warsaw, Budapest) a batch does the same work, only slower,
# so those elections keep one run per endowment. Measured threshold, in supporter groups per project.
_BATCH_MAX_SUPPORTERS = 200


def _batch_width(prepared: Prepared, wanted: int) -> int:
    entries = sum(len(project.groups) for project in prepared.projects)
    if entries > _BATCH_MAX_SUPPORTERS * max(1, len(prepared.projects)):
        return 0
    cap = max(_BATCH_WIDTHS[0], _BATCH_CELLS // max(1, len(prepared.weights_exact)))
    return max(0, min(wanted, cap))


BoolArray = npt.NDArray[np.bool_]


def _column_prices(project: _Project, mine: FloatArray) -> tuple[FloatArray, BoolArray, BoolArray, BoolArray]:
    """Float prices per point of `project` in every column of `mine` (its supporters' budgets).

    Returns (prices, unaffordable, unsure, rich): `unaffordable` where the supporters clearly cannot pay the
    cost, `unsure` where the float computation cannot decide (affordability within NEAR of the cost, or no
    fixed point), prices NaN in both; `rich` where no supporter is short of `cost / total points`.
    """
    width = mine.shape[1]
    available = project.weights @ mine
    unaffordable = available < project.cost_f * (1 - NEAR)
    unsure = ~unaffordable & (available <= project.cost_f * (1 + NEAR))
    prices = np.full(width, math.nan)
    todo = ~unaffordable & ~unsure
    if not todo.any():
        return prices, unaffordable, unsure, todo
    ratios = mine if project.unit else mine / project.points[:, None]
    everyone = project.cost_f / project.total_points
    # No supporter short of `cost / total points`: all pay that per point, as in _float_price.
    rich = todo & (everyone < ratios.min(axis=0) * (1 - NEAR))
    prices[rich] = everyone
    todo &= ~rich
    if not todo.any():
        return prices, unaffordable, unsure, rich
    columns = np.flatnonzero(todo)
    part = ratios[:, columns]
    weighted_budgets = project.weights[:, None] * mine[:, columns]
    price = np.full(len(columns), everyone)
    result = np.full(len(columns), math.nan)
    open_ = np.ones(len(columns), dtype=np.bool_)
    # The poor/rich fixed point of _float_price, one pass for all open columns at a time.
    for _ in range(_POOR_RICH_PASSES):
        poor = part < price
        rich_points = project.total_points - project.weighted_points @ poor
        paid = np.einsum("ij,ij->j", weighted_budgets, poor)
        with np.errstate(divide="ignore", invalid="ignore"):
            new_price = (project.cost_f - paid) / rich_points
        failed = open_ & (rich_points <= 0)
        unsure[columns[failed]] = True
        open_ &= ~failed
        settled = open_ & ((new_price <= price * (1 + 1e-15)) | ~np.any((part < new_price) & ~poor, axis=0))
        result[settled] = np.maximum(new_price[settled], price[settled])
        open_ &= ~settled
        if not open_.any():
            break
        price = np.where(open_, new_price, price)
    if open_.any():
        # equalshares.net's sort + cumulative sum, column by column of what is left (as _sorted_price).
        left = np.flatnonzero(open_)
        sub = part[:, left]
        order = np.argsort(sub, axis=0, kind="stable")
        sorted_ratios = np.take_along_axis(sub, order, axis=0)
        paid = np.cumsum(np.take_along_axis(weighted_budgets[:, left], order, axis=0), axis=0)
        paid_before = np.vstack((np.zeros((1, len(left))), paid[:-1]))
        points = np.broadcast_to(project.weighted_points[:, None], sub.shape)
        remaining = np.cumsum(np.take_along_axis(points, order, axis=0)[::-1], axis=0)[::-1]
        candidates = (project.cost_f - paid_before) / remaining
        fits = candidates <= sorted_ratios * (1 + 1e-12)
        first = np.argmax(fits, axis=0)
        found = fits[first, np.arange(len(left))]
        result[left[found]] = candidates[first[found], np.flatnonzero(found)]
        unsure[columns[left[~found]]] = True
    prices[columns] = result
    return prices, unaffordable, unsure, rich


def _batch_runs(prepared: Prepared, start: Fraction, width: int, ties: TieOrder) -> list[Run | None]:
    """MES at `start`, `start + 1`, ..., `start + width - 1`, in float64, one column per endowment.

    Each column takes the decisions a separate float run (`mes_run`) takes: each round the remaining project
    with the lowest affordability, the lazy re-evaluation per column. A column whose run meets a near-tie or
    an affordability within NEAR of a cost gives None: the caller recomputes it with `mes_run`, which settles
    those in exact arithmetic. The one near-tie settled here is the one between projects that every
    supporter can pay in full: their affordabilities are exactly 1 / (their total points), as in `_exact_rho`.
    """
    election = prepared.election
    key = prepared.key(ties)
    records: list[list[TieRecord]] = [[] for _ in range(width)]
    projects = prepared.projects
    endowments = [start + k for k in range(width)]
    budgets = np.tile(np.array([float(e) for e in endowments], dtype=np.float64), (len(prepared.weights_exact), 1))
    # Column j of the arrays is endowment `alive[j]`; columns leave when their run ends or is given up.
    alive = np.arange(width)
    chosen: list[list[int]] = [[] for _ in range(width)]
    given_up = np.zeros(width, dtype=np.bool_)
    # Cells whose exact budget is 0: the voter paid in full, clearly short of a price (as `zero` in mes_run).
    zero = np.zeros(budgets.shape, dtype=np.bool_)
    # Affordability lower bounds (valid within a run: budgets only shrink), inf once funded or unaffordable.
    stale = np.repeat(np.array([1.0 / p.total_points for p in projects]).reshape(-1, 1), width, axis=1)
    while alive.size:
        columns = alive.size
        best = np.full(columns, math.inf)
        winner = np.full(columns, -1)
        unsure_column = np.zeros(columns, dtype=np.bool_)
        prices: dict[int, FloatArray] = {}
        rich_now: dict[int, BoolArray] = {}
        bound = stale.min(axis=1)
        for j in np.argsort(bound, kind="stable"):
            if math.isinf(bound[j]) or bound[j] > float(best.max()) * (1 + NEAR):
                break  # lazy re-evaluation: no column can have this or a later project within NEAR of its best
            live = np.isfinite(stale[j])
            wanted = live & (stale[j] <= best * (1 + NEAR))
            if not wanted.any():
                continue
            project = projects[j]
            price, unaffordable, unsure, rich = _column_prices(project, budgets[project.groups])
            rich_now[j] = rich
            rho = price / project.cost_f
            # Where the project was wanted and the float cannot decide, the scalar run would go exact.
            unsure_column |= unsure & wanted
            stale[j] = np.where(live & ~unaffordable & ~unsure, rho, np.where(unsure, stale[j], math.inf))
            prices[j] = price
            better = live & ~unsure & ~unaffordable & (rho < best)
            best = np.where(better, rho, best)
            winner = np.where(better, j, winner)
        # A second project within NEAR of a column's best is a near-tie: exact arithmetic decides it there.
        near = np.count_nonzero(np.isfinite(stale) & (stale <= best * (1 + NEAR)), axis=0)
        for column in np.flatnonzero((near > 1) & ~unsure_column):
            candidates = np.isfinite(stale[:, column]) & (stale[:, column] <= best[column] * (1 + NEAR))
            tied_now = [int(j) for j in np.flatnonzero(candidates)]
            exact_rho: dict[int, Fraction] = {}
            for j in tied_now:
                value = None
                if j in prices and not math.isnan(prices[j][column]):
                    found = _Price(float(prices[j][column]), bool(rich_now[j][column]))
                    if found.rich:
                        value = Fraction(1) / Fraction(projects[j].total_exact)
                    else:
                        value = _proven_rho(projects[j], budgets[:, column], zero[:, column], found)
                if value is None:
                    break
                exact_rho[projects[j].index] = value
            if len(exact_rho) < len(tied_now):
                unsure_column[column] = True
                continue
            lowest = min(exact_rho.values())
            tied = sorted((index for index, rho in exact_rho.items() if rho == lowest), key=key)
            winner[column] = next(j for j in tied_now if projects[j].index == tied[0])
            if len(tied) > 1:
                run = int(alive[column])
                records[run].append(
                    TieRecord(
                        len(prepared.free) + len(chosen[run]),
                        tuple(election.projects[i].project_id for i in tied),
                        election.projects[tied[0]].project_id,
                        criterion(election, ties, tied[0], tied[1:]),
                    )
                )
        finished = ~unsure_column & (winner < 0)
        for j in np.unique(winner[~unsure_column & ~finished]):
            project = projects[j]
            in_it = np.flatnonzero((winner == j) & ~unsure_column)
            rows = project.groups
            cells = rows if in_it.size == columns else np.ix_(rows, in_it)
            mine = budgets[cells]
            price = prices[j] if in_it.size == columns else prices[j][in_it]
            ratios = mine if project.unit else mine / project.points[:, None]
            zero[cells] |= ratios < price * (1 - NEAR)
            budgets[cells] = np.maximum(mine - price[None, :] * project.points[:, None], 0.0)
            stale[j, in_it] = math.inf
            for column in in_it:
                chosen[alive[column]].append(project.index)
        given_up[alive[unsure_column]] = True
        keep = ~unsure_column & ~finished
        if not keep.all():
            alive = alive[keep]
            budgets = budgets[:, keep]
            zero = zero[:, keep]
            stale = stale[:, keep]
    runs: list[Run | None] = []
    free_cost: Number = sum((election.projects[i].cost for i in prepared.free), 0)
    for k in range(width):
        if given_up[k]:
            runs.append(None)
            continue
        cost = free_cost + sum((election.projects[i].cost for i in chosen[k]), 0)
        runs.append(Run(endowments[k], list(prepared.free) + chosen[k], cost, records[k]))
    return runs


def identical_steps(run: Run, limit: int) -> int:
    """How many +1 steps after `run.endowment` give the same outcome as `run` (at most `limit`).

    Within a run every budget and affordability is an affine function of the endowment for as long as every
    comparison the run made (which project is cheapest per unit of utility, which supporters pay in full,
    which projects are out of money) keeps its sign; `Run.stable` is the distance to the nearest change,
    computed in float64. Steps strictly inside that distance, with a relative safety margin of 1e-6, have
    the same outcome and the same completion decision, so skipping them preserves the result.
    """
    if run.stable <= 1:
        return 0
    if math.isinf(run.stable):
        return limit
    return max(0, min(limit, math.ceil(run.stable * (1 - 1e-6)) - 1))


def _exact_rho(project: _Project, price: _Price, exact_now: Callable[[], _Exact]) -> Fraction:
    if price.exact_rho is not None:
        return price.exact_rho
    if price.rich:
        # Every supporter pays cost / total points per point, so rho = 1 / total points, exactly.
        return Fraction(1) / Fraction(project.total_exact)
    value = exact_now().price(project)
    assert value is not None, "affordable in float beyond the margin"
    return value / Fraction(project.cost)


def _exhaustive(election: Election, run: Run, among: set[int] | None) -> bool:
    """No project outside the outcome (from `among`, default all) fits in the money left."""
    left = election.budget - run.cost
    chosen = set(run.selected)
    pool = range(len(election.projects)) if among is None else among
    return all(i in chosen or election.projects[i].cost > left for i in pool)


def _outcome(rule: str, prepared: Prepared, run: Run, runs: int) -> Outcome:
    election = prepared.election
    return Outcome(
        rule,
        tuple(election.projects[i].project_id for i in run.selected),
        _plain(run.cost),
        tuple(run.ties),
        run.endowment,
        runs,
    )


def _plain(value: Number) -> Number:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value


def mes(election: Election, *, ties: TieOrder = "default", prepared: Prepared | None = None) -> Outcome:
    """MES without completion: one run at budget/voters (typically spends 60-70 % of the budget)."""
    prepared = prepared or prepare(election)
    if election.n_voters == 0:
        return Outcome("mes", (), 0, (), None, 0)
    start = prepared.runs
    run = mes_run(prepared, Fraction(election.budget) / election.n_voters, ties)
    return _outcome("mes", prepared, run, prepared.runs - start)


def _segments(prepared: Prepared, start: Fraction, ties: TieOrder, limit: int, skip: bool) -> Iterator[tuple[Run, int]]:
    """The outcomes at `start`, `start + 1`, ... (at most `limit` endowments) for a completion to consume.

    Each item is a run and how many consecutive endowments, from the run's own, have exactly its outcome.
    Without `skip` every item is one `mes_run` (the plain step-by-step loop). With `skip`, a tracked run
    probes whether the outcome provably repeats (`identical_steps`); where it does not, the next endowments
    come from `_batch_runs`, in batches that double while the probes keep failing, each column either
    decided in float beyond every near-tie or recomputed by `mes_run`. Every item is therefore the outcome
    one `mes_run` at that endowment would give, which is what makes the completions' answers unchanged.
    """
    endowment = start
    width = _BATCH_WIDTHS[0]
    while limit > 0:
        if not skip:
            yield mes_run(prepared, endowment, ties), 1
            endowment += 1
            limit -= 1
            continue
        run = mes_run(prepared, endowment, ties, track=True)
        same = identical_steps(run, limit - 1)
        yield run, 1 + same
        endowment += 1 + same
        limit -= 1 + same
        if same >= width:
            width = _BATCH_WIDTHS[0]
            continue
        batch = _batch_width(prepared, min(width, limit))
        if batch <= 0:
            continue
        for offset, column in enumerate(_batch_runs(prepared, endowment, batch, ties)):
            yield column or mes_run(prepared, endowment + offset, ties), 1
        endowment += batch
        limit -= batch
        width = min(2 * width, _BATCH_WIDTHS[1])


def mes_add1(
    election: Election,
    *,
    ties: TieOrder = "pabutools",
    prepared: Prepared | None = None,
    progress: Progress | None = None,
    skip: bool = True,
) -> Outcome:
    """pabutools 1.2.3 `method_of_equal_shares(..., voter_budget_increment=1)`."""
    prepared = prepared or prepare(election)
    if election.n_voters == 0:
        return Outcome("mes_add1", (), 0, (), None, 0)
    endowment = Fraction(election.budget) / election.n_voters
    previous: Run | None = None
    runs = 0
    # Bounded: once the endowment exceeds every cost, every supported project is affordable alone.
    for run, count in _segments(prepared, endowment, ties, _step_limit(election, endowment), skip):
        runs += 1
        if progress:
            progress(runs, run.endowment)
        if run.cost > election.budget:
            return _outcome("mes_add1", prepared, previous or run, runs)
        if _exhaustive(election, run, prepared.supported - set(prepared.free)):
            return _outcome("mes_add1", prepared, run, runs)
        # The next `count - 1` steps give this outcome again: feasible, not exhaustive, so pabutools goes on.
        previous = replace(run, endowment=run.endowment + count - 1)
    assert previous is not None
    return _outcome("mes_add1", prepared, previous, runs)  # pragma: no cover


def mes_add1_es(
    election: Election,
    *,
    ties: TieOrder = "default",
    prepared: Prepared | None = None,
    progress: Progress | None = None,
    rule: str = "mes_add1_es",
    skip: bool = True,
) -> Outcome:
    """equalshares.net: floor(budget/voters), +1 per step, until exhaustive or the next step overspends."""
    prepared = prepared or prepare(election)
    if election.n_voters == 0:
        return Outcome(rule, (), 0, (), None, 0)
    endowment = Fraction(math.floor(Fraction(election.budget) / election.n_voters))
    current: Run | None = None
    runs = 0
    for run, count in _segments(prepared, endowment, ties, _step_limit(election, endowment) + 1, skip):
        runs += 1
        if progress:
            progress(runs, run.endowment)
        # The first run (at most budget/voters per voter) always fits; after it, a step that overspends ends
        # the completion with the outcome before it.
        if current is not None and run.cost > election.budget:
            break
        if _exhaustive(election, run, None):
            current = run
            break
        # The next `count - 1` steps repeat this outcome: each fits and none is exhaustive, so each is accepted.
        current = replace(run, endowment=run.endowment + count - 1)
    assert current is not None
    return _outcome(rule, prepared, current, runs)


def mes_add1u_es(
    election: Election,
    *,
    ties: TieOrder = "default",
    prepared: Prepared | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """`mes_add1_es`, then the remaining projects by decreasing vote count if they fit (equalshares.net add1u)."""
    base = mes_add1_es(election, ties=ties, prepared=prepared, progress=progress, rule="mes_add1u_es")
    supporters = election.supporters()
    chosen = [election.index(project_id) for project_id in base.selected]
    spent: Number = base.total_cost
    # equalshares.net utilitarian fill: by vote count, ties in the order of the projects (stable sort).
    for index in sorted(range(len(election.projects)), key=lambda i: -supporters[i]):
        if index not in chosen and spent + election.projects[index].cost <= election.budget:
            chosen.append(index)
            spent += election.projects[index].cost
    return Outcome(
        "mes_add1u_es",
        tuple(election.projects[i].project_id for i in chosen),
        _plain(spent),
        base.ties,
        base.endowment,
        base.mes_runs,
    )


def mes_add1_checker(
    election: Election,
    *,
    ties: TieOrder = "default",
    prepared: Prepared | None = None,
    progress: Progress | None = None,
    skip: bool = True,
) -> Outcome:
    """Pabulib checker: budget/voters, then floor(budget/voters)+1, +2, ... while the outcome fits."""
    prepared = prepared or prepare(election)
    if election.n_voters == 0:
        return Outcome("mes_add1_checker", (), 0, (), None, 0)
    exact_share = Fraction(election.budget) / election.n_voters
    current = mes_run(prepared, exact_share, ties)
    runs = 1
    if progress:
        progress(runs, exact_share)
    endowment = Fraction(math.floor(exact_share))
    # Guard: once every supported project is funded, more money changes nothing, so the loop stops there.
    if not prepared.supported <= set(current.selected):
        for run, count in _segments(prepared, endowment + 1, ties, _step_limit(election, endowment), skip):
            runs += 1
            if progress:
                progress(runs, run.endowment)
            if run.cost > election.budget:
                break
            if prepared.supported <= set(run.selected):
                current = run
                break
            # The next `count - 1` steps repeat this outcome, which fits: the checker accepts each of them.
            current = replace(run, endowment=run.endowment + count - 1)
    return _outcome("mes_add1_checker", prepared, current, runs)


def mes_add1_greedy(
    election: Election,
    *,
    ties: TieOrder = "pabutools",
    prepared: Prepared | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """`mes_add1`, then greedy by score on the money left (pabutools' Add1U)."""
    base = mes_add1(election, ties=ties, prepared=prepared, progress=progress)
    filled = greedy(election, ties=ties, initial=[election.index(p) for p in base.selected], rule="mes_add1_greedy")
    return Outcome("mes_add1_greedy", filled.selected, filled.total_cost, base.ties, base.endowment, base.mes_runs)


def _step_limit(election: Election, endowment: Fraction) -> int:
    """More +1 steps than can ever matter: past the total cost of all projects each voter affords anything."""
    total = sum((project.cost for project in election.projects), Fraction(0))
    return max(0, math.ceil(total - endowment)) + 2
