"""Why a rule selected what it selected, as data for a plain-language explanation on the results page.

Pure functions over the engine's `Election` and `Outcome` (pb.counting): nothing from the web or the database.
They never decide anything: the engine's outcome is taken as given and only retraced, so an explanation cannot
contradict the result it explains.

- Greedy: the projects in the order the rule considered them (most votes or points first, ties in pb's default
  order), each funded, skipped because it did not fit in the money left, below the score threshold, or not
  reached because the no-skip variant stopped.
- Method of Equal Shares (Peters & Skowron 2020; cost utilities, see pb.counting.mes): every voter starts with
  the final per-voter endowment; the funded projects are replayed in the engine's order, each paid by its
  supporters with the smallest equal payment per point that covers its cost (a supporter with less money left
  pays all of it). For each round: how many supported the project, the largest payment, and how many gave all
  they had left. For each project not funded: how much its supporters had left against its cost, and which
  funded projects their money went to. Projects added after MES by a completion's fill are listed as such.

Money in the result is in cents (rounded to the nearest cent): this is for reading; the exact amounts are in
the engine and the recomputation.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from pb.counting.election import Election, Outcome
from pb.counting.greedy import greedy_order
from pb.counting.pabulib import Number

MES_VARIANTS = ("mes", "mes_add1", "mes_add1_es", "mes_add1u_es", "mes_add1_checker", "mes_add1_greedy")
GREEDY_VARIANTS = {"greedy": "skip", "greedy-no-skip": "no-skip", "greedy-threshold": "threshold"}
# How many funded projects are named as having taken an unfunded project's supporters' money.
TOOK_SHOWN = 3


def cents(amount: Number | Fraction) -> int:
    """Euros (exact) to whole cents, half away from zero."""
    value = Fraction(amount) * 100
    whole = value.numerator // value.denominator
    return whole + 1 if value - whole >= Fraction(1, 2) else whole


def explain(variant: str, election: Election, outcome: Outcome) -> dict[str, Any]:
    if variant in GREEDY_VARIANTS:
        return explain_greedy(election, outcome, GREEDY_VARIANTS[variant])
    if variant in MES_VARIANTS and outcome.endowment is not None:
        return explain_mes(election, outcome.selected, outcome.endowment)
    # Phragmén, or MES on an election without voters: the order of selection is all there is to say.
    return {"kind": "order", "selected": list(outcome.selected)}


def explain_greedy(election: Election, outcome: Outcome, variant: str) -> dict[str, Any]:
    scores = election.scores()
    selected = set(outcome.selected)
    limit = election.score_threshold or 0
    left: Number = election.budget
    stopped = False
    steps = []
    for index in greedy_order(election, "default"):
        project = election.projects[index]
        if project.project_id in selected:
            state = "funded"
        elif stopped:
            state = "not_reached"
        elif variant == "threshold" and scores[index] < limit:
            state = "below_threshold"
        else:
            # Not funded although considered: it cost more than the money left (the only other reason).
            state = "did_not_fit"
            stopped = variant == "no-skip"
        steps.append(
            {
                "project": project.project_id,
                "score": _plain(scores[index]),
                "cost_cents": cents(project.cost),
                "left_before_cents": cents(left),
                "state": state,
            }
        )
        if state == "funded":
            left -= project.cost
    return {
        "kind": "greedy",
        "variant": variant,
        "threshold": _plain(limit) if variant == "threshold" else None,
        "steps": steps,
        "left_cents": cents(left),
    }


def explain_mes(election: Election, selected: Sequence[str], endowment: Fraction) -> dict[str, Any]:
    groups = election.ballots
    budgets = [Fraction(endowment)] * len(groups)
    supporters_of: list[list[tuple[int, Number]]] = [[] for _ in election.projects]
    for group, ballot in enumerate(groups):
        for index, points in ballot.points:
            supporters_of[index].append((group, points))
    # paid[group][project index] = what one voter of the group paid for the project.
    paid: list[dict[int, Fraction]] = [{} for _ in groups]
    rounds: list[dict[str, Any]] = []
    fill: list[str] = []
    for project_id in selected:
        index = election.index(project_id)
        cost = Fraction(election.projects[index].cost)
        members = supporters_of[index]
        available = sum((budgets[g] * groups[g].weight for g, _ in members), Fraction(0))
        if fill or available < cost:
            # MES could not pay for it at this endowment: a completion's fill (greedy or by votes) added it.
            fill.append(project_id)
            continue
        payments = _payments(cost, [(budgets[g], Fraction(p), groups[g].weight) for g, p in members])
        everything = 0
        largest = Fraction(0)
        for (group, _), payment in zip(members, payments, strict=True):
            if payment > 0 and payment == budgets[group]:
                everything += groups[group].weight
            budgets[group] -= payment
            paid[group][index] = payment
            largest = max(largest, payment)
        rounds.append(
            {
                "project": project_id,
                "supporters": sum(groups[g].weight for g, _ in members),
                "cost_cents": cents(cost),
                "largest_payment_cents": cents(largest),
                "gave_everything": everything,
            }
        )
    chosen = set(selected)
    unfunded = []
    for index, project in enumerate(election.projects):
        if project.project_id in chosen:
            continue
        members = supporters_of[index]
        left = sum((budgets[g] * groups[g].weight for g, _ in members), Fraction(0))
        took: dict[int, Fraction] = {}
        for group, _ in members:
            for other, payment in paid[group].items():
                took[other] = took.get(other, Fraction(0)) + payment * groups[group].weight
        biggest = sorted(took.items(), key=lambda item: (-item[1], item[0]))[:TOOK_SHOWN]
        unfunded.append(
            {
                "project": project.project_id,
                "supporters": sum(groups[g].weight for g, _ in members),
                "cost_cents": cents(project.cost),
                "money_left_cents": cents(left),
                "took": [[election.projects[other].project_id, cents(amount)] for other, amount in biggest if amount],
            }
        )
    return {
        "kind": "mes",
        "endowment": str(endowment),
        "endowment_cents": cents(endowment),
        "voters": election.n_voters,
        "rounds": rounds,
        "fill": fill,
        "unfunded": unfunded,
    }


def _payments(cost: Fraction, supporters: Sequence[tuple[Fraction, Fraction, int]]) -> list[Fraction]:
    """Per-voter payments (budget, points, weight) -> min(budget, r * points), with r the smallest price per
    point that covers `cost`; the caller has checked that the supporters' money covers it."""
    if cost == 0:
        return [Fraction(0)] * len(supporters)
    order = sorted(range(len(supporters)), key=lambda i: supporters[i][0] / supporters[i][1])
    paid_in_full = Fraction(0)
    points_left = sum((points * weight for _, points, weight in supporters), Fraction(0))
    price = Fraction(0)
    for i in order:
        budget, points, weight = supporters[i]
        price = (cost - paid_in_full) / points_left
        if budget >= price * points:
            break
        # This group cannot pay the equal price: it gives everything it has, the others share the rest.
        paid_in_full += budget * weight
        points_left -= points * weight
    return [min(budget, price * points) for budget, points, _ in supporters]


def _plain(value: Number) -> int | str:
    """An exact number for JSON: an int, or a fraction's text."""
    if isinstance(value, int):
        return value
    return value.numerator if value.denominator == 1 else str(value)
