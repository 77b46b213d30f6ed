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
from collections.abc import Callable
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
    start = prepared.runs
    endowment = Fraction(election.budget) / election.n_voters
    previous: Run | None = None
    # Bounded: once the endowment exceeds every cost, every supported project is affordable alone.
    limit = _step_limit(election, endowment)
    while limit > 0:
        run = mes_run(prepared, endowment, ties, track=skip)
        limit -= 1
        if progress:
            progress(prepared.runs - start, endowment)
        if run.cost > election.budget:
            return _outcome("mes_add1", prepared, previous or run, prepared.runs - start)
        if _exhaustive(election, run, prepared.supported - set(prepared.free)):
            return _outcome("mes_add1", prepared, run, prepared.runs - start)
        # The next `same` steps give this outcome again: feasible, not exhaustive, so pabutools goes on.
        same = identical_steps(run, limit)
        limit -= same
        previous = replace(run, endowment=endowment + same)
        endowment += same + 1
    assert previous is not None
    return _outcome("mes_add1", prepared, previous, prepared.runs - start)  # pragma: no cover


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
    start = prepared.runs
    endowment = Fraction(math.floor(Fraction(election.budget) / election.n_voters))
    current = mes_run(prepared, endowment, ties, track=skip)
    limit = _step_limit(election, endowment)
    while limit > 0:
        if progress:
            progress(prepared.runs - start, endowment)
        if _exhaustive(election, current, None):
            break
        # The next `same` steps repeat this outcome: each fits and none is exhaustive, so each is accepted.
        same = identical_steps(current, limit - 1)
        endowment += same
        current = replace(current, endowment=endowment)
        following = mes_run(prepared, endowment + 1, ties, track=skip)
        limit -= same + 1
        if following.cost > election.budget:
            break
        current, endowment = following, endowment + 1
    return _outcome(rule, prepared, current, prepared.runs - start)


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
    start = prepared.runs
    exact_share = Fraction(election.budget) / election.n_voters
    current = mes_run(prepared, exact_share, ties)
    endowment = Fraction(math.floor(exact_share))
    limit = _step_limit(election, endowment)
    while limit > 0:
        if progress:
            progress(prepared.runs - start, endowment)
        if prepared.supported <= set(current.selected):
            break  # guard: every supported project is funded, more money changes nothing
        following = mes_run(prepared, endowment + 1, ties, track=skip)
        limit -= 1
        if following.cost > election.budget:
            break
        # The next `same` steps repeat this outcome, which fits: the checker accepts each of them, unless the
        # guard stops it right here.
        same = 0 if prepared.supported <= set(following.selected) else identical_steps(following, limit)
        limit -= same
        endowment += 1 + same
        current = replace(following, endowment=endowment)
    return _outcome("mes_add1_checker", prepared, current, prepared.runs - start)


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
