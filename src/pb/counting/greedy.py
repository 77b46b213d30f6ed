"""Greedy rules: fund projects in decreasing order of votes (or points) while the money lasts.

Pabulib META `rule` names the variants cities use (pabulib.org/format): `greedy` skips a project that does
not fit and tries the next, `greedy-no-skip` stops at the first project that does not fit, and
`greedy-threshold` only considers projects whose score reaches `min_project_score_threshold`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Literal

from pb.counting.election import Election, Outcome, TieRecord
from pb.counting.pabulib import Number
from pb.counting.ties import TieOrder, criterion, tie_key

GreedyVariant = Literal["skip", "no-skip", "threshold"]


def greedy_order(election: Election, ties: TieOrder, candidates: Iterable[int] | None = None) -> list[int]:
    """Projects by decreasing score; a free project first (pabutools: infinite score per cost)."""
    scores = election.scores()
    key = tie_key(election, ties)
    pool = range(len(election.projects)) if candidates is None else candidates
    return sorted(pool, key=lambda i: (election.projects[i].cost != 0, -scores[i], key(i)))


def greedy(
    election: Election,
    *,
    ties: TieOrder = "default",
    variant: GreedyVariant = "skip",
    threshold: Number | None = None,
    initial: Sequence[int] = (),
    rule: str | None = None,
) -> Outcome:
    """Greedy by score. Projects with no votes are funded too if money is left (pabutools does the same).

    `initial` are project indices already funded (a completion after MES); the rest of the budget is used.
    """
    scores = election.scores()
    limit: Number = 0
    if variant == "threshold":
        limit = threshold if threshold is not None else (election.score_threshold or 0)
    chosen = set(initial)
    order = greedy_order(election, ties, [i for i in range(len(election.projects)) if i not in chosen])
    spent: Number = sum((election.projects[i].cost for i in initial), Fraction(0))
    selected = list(initial)
    for index in order:
        cost = election.projects[index].cost
        if variant == "threshold" and scores[index] < limit:
            continue
        if spent + cost <= election.budget:
            selected.append(index)
            spent += cost
        elif variant == "no-skip":
            break
    return Outcome(
        rule or f"greedy-{variant}",
        tuple(election.projects[i].project_id for i in selected),
        _plain(spent),
        tuple(_greedy_ties(election, ties, order, set(selected) - chosen, len(initial))),
    )


def _greedy_ties(
    election: Election, ties: TieOrder, order: list[int], funded: set[int], offset: int
) -> Iterable[TieRecord]:
    """Each run of equal scores in which the tie order decided something: some funded, some not."""
    scores = election.scores()
    start = 0
    while start < len(order):
        end = start
        head = order[start]
        same = (election.projects[head].cost != 0, scores[head])
        while end + 1 < len(order) and (election.projects[order[end + 1]].cost != 0, scores[order[end + 1]]) == same:
            end += 1
        group = order[start : end + 1]
        won = [i for i in group if i in funded]
        if len(group) > 1 and won and len(won) < len(group):
            winner = won[0]
            others = [i for i in group if i not in funded]
            yield TieRecord(
                offset + start,
                tuple(election.projects[i].project_id for i in group),
                election.projects[winner].project_id,
                criterion(election, ties, winner, others),
            )
        start = end + 1


def _plain(value: Number) -> Number:
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value
