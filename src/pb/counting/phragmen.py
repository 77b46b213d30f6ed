"""Sequential Phragmén for approval (and choose-1) ballots.

Phragmén 1894, in the participatory-budgeting form of Los, Christoff & Grossi 2022 ("Proportional budget
allocations: towards a systematization") and pabutools 1.2.3 `sequential_phragmen`: voters earn virtual money
continuously; a project is bought as soon as its supporters together hold its cost, and they then share the
same load. The rule stops at the first project that would be bought but does not fit in the budget (it does
not skip it). Among projects reaching the lowest load at once, if any of them does not fit the rule stops.

Exact arithmetic: every supporter of a bought project gets the same load, so a voter's load is the load of the
last bought project they approve; the money a project's supporters hold is a sum over the bought projects of
that load times an integer count of voters, which numpy counts exactly (integers below 2**53). Each round
first computes every project's load in float64 from the exact loads so far (one pass over all ballots), and
only the projects within a relative 1e-9 of the lowest, far beyond the float error, get their exact load.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from pb.counting.election import Election, Outcome, TieRecord
from pb.counting.pabulib import Number
from pb.counting.ties import TieOrder, criterion, tie_key

# Relative distance within which a float load may hide an exact tie or a lower exact load. A float load sums
# positive terms, each within 2**-53 of its exact value, so its relative error is at most (voter groups + 2)
# x 2**-53: under 2e-11 even for Wrocław 2015's 131,778 voters.
NEAR = 1e-9


def phragmen(election: Election, *, ties: TieOrder = "default") -> Outcome:
    if election.vote_type not in ("approval", "choose-1"):
        raise ValueError("sequential Phragmén is defined here for approval and choose-1 ballots only")
    key = tie_key(election, ties)
    weights = np.array([ballot.weight for ballot in election.ballots], dtype=np.float64)
    members: list[list[int]] = [[] for _ in election.projects]
    for group, ballot in enumerate(election.ballots):
        for index, _ in ballot.points:
            members[index].append(group)
    groups = [np.array(group_list, dtype=np.intp) for group_list in members]
    scores = [round(float(weights[g].sum())) if len(g) else 0 for g in groups]
    # loads[k] is the load of the k-th bought project; last[g] indexes the load voter group g carries.
    loads: list[Fraction] = [Fraction(0)]
    last = np.zeros(len(election.ballots), dtype=np.intp)
    # A project costing more than the whole budget is never a candidate (pabutools drops it up front), so it
    # cannot stop the rule either.
    remaining = {i for i, project in enumerate(election.projects) if project.cost <= election.budget}
    selected: list[int] = []
    spent: Number = 0
    records: list[TieRecord] = []
    # Every (project, supporting group) pair, for the float loads of all projects in one pass.
    pair_projects = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    pair_groups = np.concatenate(groups) if groups else np.zeros(0, dtype=np.intp)
    pair_weights = weights[pair_groups]
    costs = np.array([float(project.cost) for project in election.projects])
    score_array = np.array(scores, dtype=np.float64)
    load_floats = [0.0]
    while remaining:
        best: Fraction | None = None
        tied: list[int] = []
        carried = np.bincount(
            pair_projects,
            weights=pair_weights * np.asarray(load_floats)[last[pair_groups]],
            minlength=len(groups),
        )
        open_ = [index for index in remaining if scores[index] > 0]  # no score: never a finite load
        rough = (carried[open_] + costs[open_]) / score_array[open_]
        lowest = float(rough.min()) if open_ else 0.0
        for index, value in zip(open_, rough.tolist(), strict=True):
            if value > lowest * (1 + NEAR):
                continue  # clearly above the lowest load, exactly too
            counts = np.bincount(last[groups[index]], weights=weights[groups[index]], minlength=len(loads))
            held = sum((loads[k] * round(float(counts[k])) for k in np.flatnonzero(counts[1:]) + 1), Fraction(0))
            load = (held + election.projects[index].cost) / scores[index]
            if best is None or load < best:
                best, tied = load, [index]
            elif load == best:
                tied.append(index)
        if best is None:
            # Only projects nobody approves are left; pabutools gives them an infinite load, all tied.
            tied = list(remaining)
        if any(spent + election.projects[i].cost > election.budget for i in tied):
            break
        tied.sort(key=key)
        winner = tied[0]
        if len(tied) > 1:
            records.append(
                TieRecord(
                    len(selected),
                    tuple(election.projects[i].project_id for i in tied),
                    election.projects[winner].project_id,
                    criterion(election, ties, winner, tied[1:]),
                )
            )
        if best is not None:
            loads.append(best)
            load_floats.append(float(best))
            last[groups[winner]] = len(loads) - 1
        remaining.discard(winner)
        selected.append(winner)
        spent += election.projects[winner].cost
    return Outcome("phragmen", tuple(election.projects[i].project_id for i in selected), spent, tuple(records))
