"""The Method of Equal Shares (MES) with cost utilities, and the completions used in practice.

Peters & Skowron 2020 ("Proportionality and the limits of welfarism"), Peters, Pierczyński & Skowron 2021
("Proportional participatory budgeting with additive utilities"): every voter gets an equal share of the
budget; in each round the project is funded whose cost its supporters can cover with the lowest maximum
payment per unit of utility (its affordability `rho`); a supporter pays `min(budget, rho * utility)`.
Utilities are cost utilities: a voter's utility for a project is its cost times the points the voter gave it
(1 for approval and choose-1; `max_length - position` for Kraków-style rankings, see election.py).

Arithmetic. Money and endowments are exact (int/Fraction). A run first computes in float64 with numpy
(merged identical ballots; per-project supporter arrays; the payments by a few vectorised passes of the
"poor/rich" fixed point, started from the project's previous price and falling back to a sort + cumulative
sum; the money each project's supporters hold, updated from each round's payments; and the lazy
re-evaluation of equalshares.net and pabutools: an affordability only grows, so a project whose previous
value is already worse than the best one found this round need not be recomputed). Whenever a decision is
within a relative 1e-9 of a tie (two affordabilities, or the money a project's supporters have left against
its cost), the run switches to an exact shadow: it replays the run so far in Fractions and decides that
comparison exactly.

Skipping completion steps. A completion raises the endowment by 1 per step, and Hungarian budgets in forints
need 10^4-10^5 steps. With cost utilities every budget is non-decreasing and every affordability
non-increasing in the endowment for as long as the same projects are funded in the same order, so a run at a
higher endowment can certify every endowment between it and an earlier run: at each round, every project
other than the winner must be unaffordable at the higher endowment or, there, cost more per unit of utility
than the winner did at the lower one (the proof is in `mes_run`). The completions probe ahead with such runs
(`_outcomes`), skip what is certified and bisect where it is not; the skipped steps have the outcome of the
runs around them and hence the same stop decision, and every outcome returned is a run at its own endowment.
`skip=False` gives the plain step-by-step loop; tests check both agree.

Batches. Where the order of selection changes at about every second step (Toulouse, Warsaw: probes keep
failing), the completions take the following endowments from `_batch_runs`, which runs MES for up to 256
consecutive endowments at once, one column of budgets per endowment, each column deciding as its own float
run would; a column that meets a near-tie it cannot settle exactly (only ties of projects whose affordability
is proven exact, as in `_exact_rho`, are settled there, in all columns at once) is recomputed by `mes_run`.
While the order keeps changing within a batch the next batch follows at once; probes resume when a batch
ends on a stretch of equal outcomes. Supporters with no money left in any column are left out of the
matrices a batch prices (`_live_view`).

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
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

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
    # Position in `Prepared.projects`.
    slot: int = 0
    # Columns (weighted points, 1.0) of the supporters: the poor's points and number in one matrix product.
    points_and_ones: FloatArray = field(default_factory=lambda: np.zeros((0, 2)))

    def __post_init__(self) -> None:
        self.points_and_ones = np.stack((self.weighted_points, np.ones(len(self.groups))), axis=1)

    @cached_property
    def rich_rho(self) -> Fraction:
        """The exact affordability when every supporter pays in full: 1 / (total points)."""
        return Fraction(1, self.total_exact) if isinstance(self.total_exact, int) else 1 / Fraction(self.total_exact)


@dataclass
class Prepared:
    """Per-election arrays reused by every MES run of a completion."""

    election: Election
    weights_exact: list[int]
    projects: list[_Project]
    # Projects with supporters and cost 0 are funded before the first round (as pabutools does).
    free: list[int]
    supported: set[int]
    # The ballots as slots of `projects` (CSR: group g's entries are slots[starts[g]:starts[g + 1]]), and
    # each project's number of supporting voters.
    starts: IntArray = field(default_factory=lambda: np.zeros(1, dtype=np.intp))
    slots: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    voters: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    runs: int = 0
    _keys: dict[str, Callable[[int], tuple[object, ...]]] = field(default_factory=dict)
    _neighbours: dict[int, tuple[IntArray, IntArray]] = field(default_factory=dict)

    def key(self, ties: TieOrder) -> Callable[[int], tuple[object, ...]]:
        if ties not in self._keys:
            self._keys[ties] = tie_key(self.election, ties)
        return self._keys[ties]

    def neighbours(self, project: _Project) -> tuple[IntArray, IntArray]:
        """Every (supporter position, slot) pair of the projects that `project`'s supporters also support."""
        if project.slot not in self._neighbours:
            first = self.starts[project.groups]
            lengths = self.starts[project.groups + 1] - first
            rows = np.repeat(np.arange(len(project.groups)), lengths)
            offsets = np.repeat(first - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
            self._neighbours[project.slot] = (rows, self.slots[offsets])
        return self._neighbours[project.slot]


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
                slot=len(projects),
            )
        )
    slot_of = {project.index: project.slot for project in projects}
    rows = [[slot_of[index] for index, _ in ballot.points if index in slot_of] for ballot in election.ballots]
    starts = np.zeros(len(rows) + 1, dtype=np.intp)
    starts[1:] = np.cumsum([len(row) for row in rows])
    slots = np.array([slot for row in rows for slot in row], dtype=np.intp)
    voters = np.array([float(project.weights.sum()) for project in projects], dtype=np.float64)
    return Prepared(election, weights_exact, projects, free, supported, starts, slots, voters)


@dataclass
class Run:
    """One MES run: funded project indices in order, their cost, and the ties resolved on the way."""

    endowment: Fraction
    selected: list[int]
    cost: Number
    ties: list[TieRecord]
    # The float affordability of each round's winner (after the free projects), and the exact one of the
    # rounds that resolved a tie: what a later run checks its own against to certify the endowments between.
    levels: list[float] = field(default_factory=list)
    tie_levels: dict[int, Fraction] = field(default_factory=dict)
    # A run made `against` an earlier one: whether every endowment from that run's to this one's provably
    # gives this outcome (see `mes_run`).
    certified: bool = False
    # How close the decisions were, relative to the winners' affordability: `gap`, the nearest competitor in
    # this run; `margin`, for a run made `against` another, the nearest competitor here against the winner
    # there (negative when a competitor here undercut it, -inf when the winners differ). Only the distance of
    # the next probe depends on them.
    gap: float = math.inf
    margin: float = math.inf


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
    # The exact affordability when the float computation proves it: supporters short of the price all hold
    # exactly nothing and the others clearly can pay, so rho = 1 / (points of the others), an integer ratio.
    exact_rho: Fraction | None = None


def _float_price(project: _Project, budgets: FloatArray, floor: float = 0.0, affordable: bool = False) -> _Price | None:
    """The float price per point, None if surely unaffordable, NaN if too close to call.

    `floor` is a price the result cannot be below (an earlier price of the same run: budgets only shrink);
    `affordable` says the supporters' money is already known to exceed the cost by more than the margin.
    """
    mine = np.take(budgets, project.groups)
    if not affordable:
        available = float(np.dot(project.weights, mine))
        if available < project.cost_f * (1 - NEAR):
            return None
        if available <= project.cost_f * (1 + NEAR):
            return _Price(math.nan, False)
    ratios = mine if project.unit else mine / project.points
    everyone = project.cost_f / project.total_points
    # A floor clearly above `cost / total points` means some supporter is short of it: no need to look.
    if floor <= everyone * (1 + 1e-6) and everyone < float(ratios.min()) * (1 - NEAR):
        # No supporter is short: all pay `cost / total points` per point, exactly (cost utilities).
        return _Price(everyone, True)
    # pabutools' "poor/rich" iteration (equalshares.net computes the same fixed point by sorting): voters
    # whose budget is below the price pay everything, the others share the rest. From any price at most the
    # fixed point the iteration rises monotonically to it, so it starts from the highest known lower bound,
    # and a few vectorised passes reach it without sorting the supporters.
    weighted_budgets = project.weights * mine
    price = max(everyone, floor)
    poor = ratios < price
    count = int(np.count_nonzero(poor))
    for _ in range(_POOR_RICH_PASSES):
        rich_points = project.total_points - float(project.weighted_points @ poor)
        if rich_points <= 0:
            return _Price(math.nan, False)
        new_price = (project.cost_f - float(weighted_budgets @ poor)) / rich_points
        if new_price <= price * (1 + 1e-15):
            return _Price(max(new_price, price), False)
        poor = ratios < new_price
        new_count = int(np.count_nonzero(poor))
        if new_count == count:
            # Nobody else falls short of the new price (the poor only grow as the price rises): fixed point.
            return _Price(new_price, False)
        price, count = new_price, new_count
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


# Margin of the certification in `mes_run`: a competitor's float affordability at the higher endowment must
# exceed the winner's at the lower one by this relative amount. Float values carry relative errors far below
# NEAR (see above); 100 x NEAR keeps the proof safe, and a failed certification only costs speed.
CERTIFY = 100 * NEAR


def mes_run(prepared: Prepared, endowment: Fraction, ties: TieOrder, *, against: Run | None = None) -> Run:
    """One run of MES with every voter starting at `endowment`.

    With `against`, a run at a lower endowment, the run also checks whether every endowment between the two
    provably gives the same outcome (`Run.certified`). Monotonicity (cost utilities, Peters & Skowron 2020):
    while two runs fund the same projects in the same order, every voter's budget before each round is
    non-decreasing in the endowment (a price solves sum_i min(b_i, q * p_i) = cost, so richer supporters mean
    a lower price, and max(0, b_i - q * p_i) grows with b_i and shrinks with q), hence every affordability is
    non-increasing and every project affordable at the lower endowment stays affordable. By induction over
    the rounds, if at each round every other project is either unaffordable here or here costs more per unit
    of utility than the winner did at the lower endowment, then at every endowment in between the winner is
    the same project and no other is affordable after the last round. Exact ties need the tie to persist:
    the competitor's exact affordability here equals the winner's there, so in between the competitor is
    never cheaper, and the tie order prefers the winner.
    """
    prepared.runs += 1
    election = prepared.election
    key = prepared.key(ties)
    budgets = np.full(len(prepared.weights_exact), float(endowment), dtype=np.float64)
    selected: list[int] = list(prepared.free)
    cost: Number = sum((election.projects[i].cost for i in prepared.free), 0)
    history: list[_Project] = []
    records: list[TieRecord] = []
    levels: list[float] = []
    tie_levels: dict[int, Fraction] = {}
    exact: _Exact | None = None
    # Groups whose exact budget is 0: they paid in full, clearly short of a price (by more than NEAR).
    zero = np.zeros(len(prepared.weights_exact), dtype=np.bool_)
    # The money each project's supporters hold, kept up to date from each round's payments, so that a project
    # clearly out of reach is dropped without reading its supporters' budgets (most projects end that way).
    # Its float error is below (rounds x supporters x 2^-53) of the supporters' initial money, under 1e-10 of
    # it for any real election; `slack`, 1e-8 of it, leaves a factor 100, and what falls within the slack is
    # decided from the budgets themselves.
    available = prepared.voters * float(endowment)
    slack = available * 1e-8
    certifying = against is not None
    reference = against.selected[len(prepared.free) :] if against is not None else []
    gap = margin = math.inf

    def exact_now() -> _Exact:
        nonlocal exact
        if exact is None:
            exact = _Exact(prepared, endowment)
        exact.sync(history)
        return exact

    # Affordability rho = price per point / cost; its last computed value is a lower bound for later rounds
    # (budgets only shrink), which is what makes the lazy re-evaluation exact.
    stale = {project.index: 1.0 / project.total_points for project in prepared.projects}
    remaining = {project.index: project for project in prepared.projects}
    prices: dict[int, _Price] = {}
    while remaining:
        round_ = len(history)
        if certifying and round_ >= len(reference):
            # The earlier run stopped here: this one must find nothing affordable either.
            threshold = math.inf
        elif certifying:
            assert against is not None
            threshold = against.levels[round_] * (1 + CERTIFY)
        else:
            threshold = -math.inf
        best = math.inf
        near: list[int] = []
        evaluated: list[int] = []
        # The lowest lower bound of the projects not evaluated this round.
        beyond = math.inf
        for index in sorted(remaining, key=stale.__getitem__):
            if stale[index] > best * (1 + NEAR) and stale[index] > threshold:
                beyond = stale[index]
                break  # lazy re-evaluation: this and all later projects cannot beat `best` (nor `threshold`)
            project = remaining[index]
            money = available[project.slot]
            if money + slack[project.slot] < project.cost_f * (1 - NEAR):
                del remaining[index]
                continue
            clearly = money - slack[project.slot] > project.cost_f * (1 + NEAR)
            price = _float_price(project, budgets, stale[index] * project.cost_f, clearly)
            if price is not None and math.isnan(price.value):
                exact_value = exact_now().price(project)
                price = None if exact_value is None else _Price(float(exact_value), False)
            if price is None:
                # Unaffordable now, so in every later round (budgets only shrink) and at every lower endowment.
                del remaining[index]
                continue
            prices[index] = price
            rho = price.value / project.cost_f
            stale[index] = rho
            evaluated.append(index)
            best = min(best, rho)
            if rho <= best * (1 + NEAR):
                near.append(index)
        if not remaining or not near:
            break
        near = [index for index in near if stale[index] <= best * (1 + NEAR)]
        winner_price: Fraction | None = None
        exact_rho: dict[int, Fraction] = {}
        # Projects exactly tied with the winner: no competitors for `gap` and `margin`, which measure closeness.
        tied: list[int] = []
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
                tie_levels[round_] = lowest
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
        others = [stale[i] for i in evaluated if i != winner and i in remaining and i not in tied]
        runner_up = min(others, default=beyond)
        runner_up = min(runner_up, beyond)
        gap = min(gap, runner_up / stale[winner] - 1)
        if certifying:
            assert against is not None
            certifying = round_ < len(reference) and winner == reference[round_]
            margin = min(margin, runner_up / threshold - 1) if certifying else -math.inf
            for index in evaluated if certifying else ():
                if index == winner or index not in remaining or stale[index] > threshold:
                    continue
                # A persistent exact tie the tie order resolves for the winner (see the docstring).
                same = against.tie_levels.get(round_)
                if same is None or key(winner) > key(index):
                    certifying = False
                    break
                value = exact_rho.get(index)
                if value is None:
                    value = _exact_rho(remaining[index], prices[index], exact_now)
                if value != same:
                    certifying = False
                    break
        project = remaining.pop(winner)
        levels.append(stale[winner])
        before = np.take(budgets, project.groups)
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
            if not price.rich:
                clearly_short = (mine if project.unit else mine / project.points) < price.value * (1 - NEAR)
                zero[project.groups[clearly_short]] = True
            budgets[project.groups] = np.maximum(mine - price.value * project.points, 0.0)
        rows, slots = prepared.neighbours(project)
        paid = project.weights * (before - budgets[project.groups])
        available -= np.bincount(slots, weights=paid[rows], minlength=len(available))
        history.append(project)
        selected.append(winner)
        cost += project.cost
    certified = certifying and len(history) == len(reference)
    if against is not None and len(history) != len(reference):
        margin = -math.inf
    return Run(endowment, selected, cost, records, levels, tie_levels, certified, gap, margin)


# Batches of endowments. Where the outcome changes at almost every step (Toulouse 2022: the order of selection
# changes at about every second step, so probes rarely certify anything), the completions run MES for many
# consecutive endowments at once: one column of budgets per endowment, each column deciding exactly as a
# separate run would (its own winner each round), so the numpy work is shared and the Python work is paid once
# per batch instead of once per endowment. A column that meets a decision within NEAR of a tie, which the
# scalar run would settle in exact arithmetic, is given up and recomputed by `mes_run`.

# At most this many budget cells (voter groups x endowments) per batch: wider batches stop paying off once
# their arrays leave the processor's caches (measured: Warszawa 2024 Mokotów, 7,825 groups, is fastest at 32).
_BATCH_CELLS = 250_000
# Average voter groups per project under which batches may be four times as large (see `_batch_width`).
_FEW_SUPPORTERS = 64
_BATCH_WIDTHS = (8, 256)


def _batch_width(prepared: Prepared, wanted: int) -> int:
    cells = _BATCH_CELLS
    if len(prepared.slots) <= _FEW_SUPPORTERS * len(prepared.projects):
        # Projects with few supporters each (Toulouse 2022: 35 voter groups on average): a batch's cost is its
        # Python work per round, not its matrices, and a wider batch shares that work among more endowments
        # (measured: 0.83 -> 0.71 s).
        cells *= 4
    cap = min(_BATCH_WIDTHS[1], cells // max(1, len(prepared.weights_exact)))
    if cap < _BATCH_WIDTHS[1] // 16:
        # Too many voter groups for a batch wide enough to beat single runs (Kraków 2024, 31,410 groups).
        return 0
    return max(0, min(wanted, cap))


def _first_width(prepared: Prepared) -> int:
    """The width of the first batch after probes start failing: 8, or 64 where voter groups are few.

    Where even the widest batch is within `_BATCH_CELLS` a batch column costs a small part of a run (Toulouse
    2019, 807 groups: about a fifth at 64 columns), so a wide batch pays off at once; elsewhere (Toulouse 2022,
    2,449 groups) probes between narrower batches do better, and batches start at 8 and double.
    """
    if _batch_width(prepared, _BATCH_WIDTHS[1]) == _BATCH_WIDTHS[1]:
        return _BATCH_WIDTHS[1] // 4
    return _BATCH_WIDTHS[0]


BoolArray = npt.NDArray[np.bool_]


def _column_prices(
    project: _Project, mine: FloatArray, floor: FloatArray, penniless: bool = False
) -> tuple[FloatArray, BoolArray, BoolArray, BoolArray]:
    """Float prices per point of `project` in every column of `mine` (its supporters' budgets).

    `floor` holds per column a price the result cannot be below (as in `_float_price`), or inf where none
    is known. `penniless`: some supporters hold nothing in any column (`project` may be a `_live_view`
    without them: they pay nothing and are short of every price, so the prices are the same); then no
    column is `rich`.

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
    rich = np.zeros(width, dtype=np.bool_) if penniless else todo & (everyone < ratios.min(axis=0) * (1 - NEAR))
    prices[rich] = everyone
    todo &= ~rich
    if not todo.any():
        return prices, unaffordable, unsure, rich
    columns = np.flatnonzero(todo)
    if len(columns) == width:
        part, weighted_budgets, known = ratios, project.weights[:, None] * mine, floor
    else:
        part, weighted_budgets, known = ratios[:, columns], project.weights[:, None] * mine[:, columns], floor[columns]
    price = np.where(np.isfinite(known), np.maximum(known, everyone), everyone)
    result = np.full(len(columns), math.nan)
    open_ = np.ones(len(columns), dtype=np.bool_)
    # The poor/rich fixed point of _float_price, one pass for all open columns at a time. The poor are held
    # as 0.0/1.0 so that the sums are matrix products; one product gives their points and their number, and
    # each pass's comparison is the next pass's set of poor.
    poor = np.empty(part.shape)
    np.less(part, price, out=poor, casting="unsafe")
    points_and_ones = project.points_and_ones
    poor_points, count = points_and_ones.T @ poor
    for _ in range(_POOR_RICH_PASSES):
        rich_points = project.total_points - poor_points
        paid = np.einsum("ij,ij->j", weighted_budgets, poor)
        # Columns without rich points (a 0 or negative divisor) fail just below.
        new_price = np.divide(
            project.cost_f - paid, rich_points, out=np.full(len(paid), math.inf), where=rich_points > 0
        )
        failed = open_ & (rich_points <= 0)
        unsure[columns[failed]] = True
        open_ &= ~failed
        np.less(part, new_price, out=poor, casting="unsafe")
        poor_points, new_count = points_and_ones.T @ poor
        # The poor only grow as the price rises: the same number of them is the same set, a fixed point.
        settled = open_ & ((new_price <= price * (1 + 1e-15)) | (new_count == count))
        result[settled] = np.maximum(new_price[settled], price[settled])
        open_ &= ~settled
        if not open_.any():
            break
        price = np.where(open_, new_price, price)
        count = new_count
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


def _live_view(project: _Project, dead: BoolArray) -> tuple[_Project | None, bool]:
    """`project` without its supporters in `dead` (no money in any column), or None if they are few; and
    whether it has any such supporter (then no column is `rich`, and `_column_prices` need not look).

    For `_column_prices` only: such supporters add nothing to any sum of money and are short of every price,
    so leaving them out changes no price; the view's total points are the others' (a higher, still valid
    starting price). Where they are many (Warszawa 2024 Mokotów: a fifth of the rows priced in batches) the
    matrices shrink by as much.
    """
    gone = np.take(dead, project.groups)
    count = np.count_nonzero(gone)
    if count * _DEAD_SHARE < len(gone):
        return None, bool(count > 0)
    keep = ~gone
    weighted_points = project.weighted_points[keep]
    view = _Project(
        index=project.index,
        cost=project.cost,
        cost_f=project.cost_f,
        groups=project.groups[keep],
        points=project.points[keep],
        weights=project.weights[keep],
        weighted_points=weighted_points,
        total_points=float(weighted_points.sum()),
        unit=project.unit,
        groups_list=[],
        points_exact=[],
        total_exact=0,
        slot=project.slot,
    )
    return view, True


# A view leaves out a project's penniless supporters once they are at least 1/_DEAD_SHARE of them.
_DEAD_SHARE = 8


def _batch_runs(prepared: Prepared, start: Fraction, width: int, ties: TieOrder) -> list[Run | None]:
    """MES at `start`, `start + 1`, ..., `start + width - 1`, in float64, one column per endowment.

    Each column takes the decisions a separate float run (`mes_run`) takes: each round the remaining project
    with the lowest affordability, the lazy re-evaluation per column. A column whose run meets a near-tie or
    an affordability within NEAR of a cost gives None: the caller recomputes it with `mes_run`, which settles
    those in exact arithmetic. The one near-tie settled here is the one between projects that every
    supporter can pay in full: their affordabilities are exactly 1 / (their total points), as in `_exact_rho`.
    The list ends early, at the first endowment whose run clearly costs more than the budget.
    """
    election = prepared.election
    key = prepared.key(ties)
    records: list[list[TieRecord]] = [[] for _ in range(width)]
    projects = prepared.projects
    endowments = [start + k for k in range(width)]
    budgets = np.tile(np.array([float(e) for e in endowments], dtype=np.float64), (len(prepared.weights_exact), 1))
    # Column j of the arrays is endowment `alive[j]`; columns leave when their run ends or is given up.
    alive = np.arange(width)
    # Each round's winners (slots), by endowment, -1 where the column had left.
    rounds: list[IntArray] = []
    given_up = np.zeros(width, dtype=np.bool_)
    # Cells whose exact budget is 0: the voter paid in full, clearly short of a price (as `zero` in mes_run).
    zero = np.zeros(budgets.shape, dtype=np.bool_)
    # What each column has spent so far; `width` shrinks to just past the first column that overspends, since
    # every completion ends at the first run that costs more than the budget (see `_outcomes`). In float, so
    # only a column clearly over the budget counts (a sum of float costs is far within NEAR of the exact one).
    free_cost: Number = sum((election.projects[i].cost for i in prepared.free), 0)
    spent = np.full(width, float(free_cost))
    costs = np.array([project.cost_f for project in projects])
    over_budget = float(election.budget) * (1 + NEAR)
    # Affordability lower bounds (valid within a run: budgets only shrink), inf once funded or unaffordable.
    stale = np.repeat(np.array([1.0 / p.total_points for p in projects]).reshape(-1, 1), width, axis=1)
    # Voter groups with no money left in any column, and per project the view without them (`_live_view`),
    # with the number of such groups it was made at.
    dead = np.zeros(len(prepared.weights_exact), dtype=np.bool_)
    dead_count = 0
    views: dict[int, tuple[int, _Project | None, bool]] = {}
    # Each project's place in the tie order (the smallest wins), for settling ties in every column at once.
    rank = np.empty(len(projects), dtype=np.intp)
    rank[sorted(range(len(projects)), key=lambda slot: key(projects[slot].index))] = np.arange(len(projects))
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
            floor = stale[j] * project.cost_f
            made, view, penniless = views.get(j, (0, None, False))
            # Views are remade once 2 % of all groups have run out of money since (a view that keeps some of
            # them is still exact, they only cost time).
            if dead_count - made > len(dead) // 50:
                view, penniless = _live_view(project, dead)
                views[j] = (dead_count, view, penniless)
            priced = view or project
            price, unaffordable, unsure, rich = _column_prices(
                priced, np.take(budgets, priced.groups, axis=0), floor, penniless=penniless
            )
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
        candidates = np.isfinite(stale) & (stale <= best * (1 + NEAR))
        near = np.count_nonzero(candidates, axis=0)
        tie_columns = np.flatnonzero((near > 1) & ~unsure_column)
        if tie_columns.size:
            chosen_now, tied_sets = _settle_near_ties(
                projects, tie_columns, candidates, prices, rich_now, budgets, zero, rank
            )
            unsure_column[tie_columns[chosen_now < 0]] = True
            winner[tie_columns] = np.where(chosen_now < 0, winner[tie_columns], chosen_now)
            # One record per set of tied projects this round, shared by the columns that met it.
            shared: dict[tuple[int, ...], TieRecord] = {}
            for column, tied_slots in tied_sets:
                if tied_slots not in shared:
                    tied = sorted((projects[j].index for j in tied_slots), key=key)
                    shared[tied_slots] = TieRecord(
                        len(prepared.free) + len(rounds),
                        tuple(election.projects[i].project_id for i in tied),
                        election.projects[tied[0]].project_id,
                        criterion(election, ties, tied[0], tied[1:]),
                    )
                records[int(alive[column])].append(shared[tied_slots])
        finished = ~unsure_column & (winner < 0)
        for j in np.unique(winner[~unsure_column & ~finished]):
            project = projects[j]
            in_it = np.flatnonzero((winner == j) & ~unsure_column)
            rows = project.groups
            every = in_it.size == columns
            cells = rows if every else np.ix_(rows, in_it)
            mine = np.take(budgets, rows, axis=0) if every else budgets[cells]
            price = prices[j] if every else prices[j][in_it]
            ratios = mine if project.unit else mine / project.points[:, None]
            zero[cells] |= ratios < price * (1 - NEAR)
            after = np.maximum(mine - price[None, :] * project.points[:, None], 0.0)
            budgets[cells] = after
            stale[j, in_it] = math.inf
            if every:
                # Where every column funded it, the supporters left with nothing in any column.
                emptied = rows[~after.any(axis=1)]
                dead_count += emptied.size - int(np.count_nonzero(np.take(dead, emptied)))
                dead[emptied] = True
        funded = ~unsure_column & ~finished
        won = np.full(len(endowments), -1)
        won[alive[funded]] = winner[funded]
        rounds.append(won)
        spent[alive[funded]] += costs[winner[funded]]
        over = alive[funded][spent[alive[funded]] > over_budget]
        if over.size:
            width = min(width, int(over.min()) + 1)
        given_up[alive[unsure_column]] = True
        keep = ~unsure_column & ~finished & (alive < width)
        if not keep.all():
            alive = alive[keep]
            budgets = budgets[:, keep]
            zero = zero[:, keep]
            stale = stale[:, keep]
    runs: list[Run | None] = []
    by_column = np.array(rounds, dtype=np.intp).T.tolist() if rounds else [[] for _ in endowments]
    for k in range(width):
        if given_up[k]:
            runs.append(None)
            continue
        chosen = [projects[j].index for j in by_column[k] if j >= 0]
        cost = free_cost + sum([election.projects[i].cost for i in chosen], 0)
        runs.append(Run(endowments[k], list(prepared.free) + chosen, cost, records[k]))
    # Each column decided here counts as one MES run; those given up are counted when mes_run recomputes them.
    prepared.runs += width - int(given_up[:width].sum())
    return runs


def _settle_near_ties(
    projects: list[_Project],
    tie_columns: IntArray,
    candidates: BoolArray,
    prices: dict[int, FloatArray],
    rich_now: dict[int, BoolArray],
    budgets: FloatArray,
    zero: BoolArray,
    rank: IntArray,
) -> tuple[IntArray, list[tuple[int, tuple[int, ...]]]]:
    """The winner of each batch column in `tie_columns`, where several projects are within NEAR of the best.

    Exact affordabilities decide, where the float computation proves them (as `_exact_rho` without the exact
    replay): rho = 1 / (points of the supporters who pay), for a project every supporter pays in full
    (`rich`: all its points) or one whose short supporters provably hold exactly nothing (`_proven_rho`).
    The lowest rho, i.e. the most paying points, wins; among equals, the tie order (`rank`). A column where
    any candidate's rho is not proven gets -1: the caller gives it up, and `mes_run` decides it exactly.
    Paying points are integers below 2**52 (else unproven), exact in float64.

    Returns the winners (slots, -1 where unsure) and, for each column that resolved an exact tie, the slots
    of the tied projects.
    """
    among = candidates[:, tie_columns]
    involved = np.flatnonzero(among.any(axis=1))
    paying = np.zeros((len(involved), len(tie_columns)))
    for row, j in enumerate(involved.tolist()):
        project = projects[j]
        if j not in prices or not isinstance(project.total_exact, int) or project.total_points >= 2.0**52:
            continue
        mask = among[j]
        cols = tie_columns[mask]
        price = prices[j][cols]
        rich = rich_now[j][cols]
        value = np.where(rich, float(project.total_exact), 0.0)
        other = ~rich & ~np.isnan(price)
        if other.any():
            cells = np.ix_(project.groups, cols[other])
            mine = budgets[cells]
            ratios = mine if project.unit else mine / project.points[:, None]
            level = price[other]
            short = ratios < level
            proven = ~(short & ~zero[cells]).any(axis=0) & ~(~short & (ratios < level * (1 + NEAR))).any(axis=0)
            # Integer-valued float sums below 2**52 are exact.
            points_paying = float(project.total_exact) - np.rint(project.weighted_points @ short)
            value[other] = np.where(proven & (points_paying > 0), points_paying, 0.0)
        paying[row, mask] = value
    competing = among[involved]
    unproven = (competing & (paying <= 0)).any(axis=0)
    scored = np.where(competing, paying, -1.0)
    at_top = competing & (scored == scored.max(axis=0))
    order = np.where(at_top, rank[involved][:, None], len(projects))
    chosen = np.where(unproven, -1, involved[order.argmin(axis=0)])
    tied_sets = [
        (int(tie_columns[t]), tuple(involved[at_top[:, t]].tolist()))
        for t in np.flatnonzero(~unproven & (np.count_nonzero(at_top, axis=0) > 1))
    ]
    return chosen, tied_sets


def _exact_rho(project: _Project, price: _Price, exact_now: Callable[[], _Exact]) -> Fraction:
    if price.exact_rho is not None:
        return price.exact_rho
    if price.rich:
        # Every supporter pays cost / total points per point, so rho = 1 / total points, exactly.
        return project.rich_rho
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


def _outcomes(prepared: Prepared, start: Fraction, ties: TieOrder, limit: int, skip: bool) -> Iterator[Run]:
    """Runs at increasing endowments from `start` (at most `limit` endowments) for a completion to consume.

    Each run is the one `mes_run` gives at its own endowment, and every endowment skipped between two
    consecutive runs provably has the outcome of both, so a completion that decides on the runs it is given
    decides as it would step by step (each skipped step repeats a decision to go on). Without `skip` every
    endowment gets its run. With `skip`, each run probes a later endowment `against` itself (see `mes_run`):
    a certified probe covers every endowment in between; the distance of the next probe is predicted from how
    fast the nearest competitor closed in (`_next_reach`), shorter after a failed probe, and bisecting where
    the winners differ; a probe at distance 1 simply is the next run. Where probes
    keep failing (Toulouse: the order of selection changes at about every second step), the next endowments
    come from `_batch_runs`, in batches that double while that lasts, each column either decided in float
    beyond every near-tie or recomputed by `mes_run`. Every completion stops at the first run that costs more
    than the budget, so a batch computes no endowment beyond such a run.
    """
    if not skip:
        for offset in range(limit):
            yield mes_run(prepared, start + offset, ties)
        return
    if limit <= 0:
        return
    endowment, left = start, limit
    run = mes_run(prepared, endowment, ties)
    yield run
    reach, width, misses = 1, _first_width(prepared), 0
    # The endowment of the last probe that met a different outcome, while it is still ahead.
    ceiling: Fraction | None = None
    while left > 1:
        if ceiling is not None and ceiling <= endowment:
            ceiling = None
        distance = min(reach, left - 1)
        if ceiling is not None:
            distance = max(1, min(distance, int(ceiling - endowment) // 2))
        probe = mes_run(prepared, endowment + distance, ties, against=run)
        reach = _next_reach(run, probe, distance)
        if not probe.certified:
            misses += 1
            if probe.margin == -math.inf and distance > 1:
                ceiling = endowment + distance
        elif distance >= _LONG_STRETCH:
            misses, width = 0, _first_width(prepared)
        if not probe.certified and distance > 1:
            continue
        yield probe
        endowment, left, run = endowment + distance, left - distance, probe
        if probe.certified:
            continue
        batch = _batch_width(prepared, min(width, left - 1)) if misses >= _LONG_STRETCH else 0
        if batch <= 0:
            continue
        while batch > 0:
            # A batch ends early at a run that overspends: the completion ends there.
            columns: list[Run] = []
            for offset, column in enumerate(_batch_runs(prepared, endowment + 1, batch, ties)):
                columns.append(column or mes_run(prepared, endowment + 1 + offset, ties))
                yield columns[-1]
            endowment, left = endowment + len(columns), left - len(columns)
            width = min(2 * width, _BATCH_WIDTHS[1])
            if left <= 1:
                return
            # While the order keeps changing within the batch, a probe would fail: the next batch follows at
            # once. Once the last columns agree, a stretch may have begun, and probes take over from a run.
            stretch = _trailing_stretch(columns)
            batch = 0 if stretch >= 2 * _LONG_STRETCH else _batch_width(prepared, min(width, left - 1))
        reach = max(reach, stretch)
        endowment, left = endowment + 1, left - 1
        run = mes_run(prepared, endowment, ties)
        yield run


def _trailing_stretch(runs: list[Run]) -> int:
    """How many runs at the end of `runs` select the same projects in the same order."""
    count = 1
    while count < len(runs) and runs[-count - 1].selected == runs[-1].selected:
        count += 1
    return count


def _next_reach(run: Run, probe: Run, distance: int) -> int:
    """How far to probe next: from `probe` if it is certified, else again from `run`.

    Affordabilities move about linearly with the endowment, so the nearest competitor closes in on a winner
    at a roughly steady rate: the rate seen between `run` and `probe` predicts how far a certification can
    reach (with a safety factor). Where the winners differ the next probe bisects. Only speed depends on it.
    """
    if probe.margin == -math.inf or (not probe.certified and probe.margin >= 0):
        # The winners differ, or a tie did not persist: bisect.
        return max(1, distance // 2)
    used = (run.gap - probe.margin) / distance
    base = probe.gap if probe.certified else run.gap
    if not (used > 0 and math.isfinite(used) and math.isfinite(base)):
        return 2 * distance if probe.certified else max(1, distance // 2)
    estimate = 0.7 * base / used
    if probe.certified:
        return max(1, min(4 * distance, int(estimate)))
    return max(1, min(distance - 1, int(estimate)))


# Probes that certify this many endowments at once mean the outcome changes rarely: batches are not worth it.
# As many failed probes without such a stretch switch to batches.
_LONG_STRETCH = 4


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
    for run in _outcomes(prepared, endowment, ties, _step_limit(election, endowment), skip):
        if progress:
            progress(prepared.runs - start, run.endowment)
        if run.cost > election.budget:
            return _outcome("mes_add1", prepared, previous or run, prepared.runs - start)
        if _exhaustive(election, run, prepared.supported - set(prepared.free)):
            return _outcome("mes_add1", prepared, run, prepared.runs - start)
        # Feasible and not exhaustive: pabutools goes on.
        previous = run
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
    current: Run | None = None
    for run in _outcomes(prepared, endowment, ties, _step_limit(election, endowment) + 1, skip):
        if progress:
            progress(prepared.runs - start, run.endowment)
        # The first run (at most budget/voters per voter) always fits; after it, a step that overspends ends
        # the completion with the outcome before it.
        if current is not None and run.cost > election.budget:
            break
        current = run
        if _exhaustive(election, run, None):
            break
    assert current is not None
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
    if progress:
        progress(prepared.runs - start, exact_share)
    endowment = Fraction(math.floor(exact_share))
    # Guard: once every supported project is funded, more money changes nothing, so the loop stops there.
    if not prepared.supported <= set(current.selected):
        for run in _outcomes(prepared, endowment + 1, ties, _step_limit(election, endowment), skip):
            if progress:
                progress(prepared.runs - start, run.endowment)
            if run.cost > election.budget:
                break
            current = run
            if prepared.supported <= set(run.selected):
                break
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
