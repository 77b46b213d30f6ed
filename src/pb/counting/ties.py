"""Tie-breaking orders shared by the rules.

- `default` (pb; equalshares.net's recommendation): lower cost, then more votes (voters giving the project
  a positive score), then the lot order stored with the election.
- `pabutools`: project ids compared as strings ("10" < "9"), pabutools 1.2.3 `lexico_tie_breaking`; used to
  check pb against pabutools and the Pabulib reference outcomes.
- `file`: the order of PROJECTS in the file, which reproduces the cities' own greedy outcomes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pb.counting.election import Election

TieOrder = Literal["default", "pabutools", "file"]
TIE_ORDERS: tuple[TieOrder, ...] = ("default", "pabutools", "file")

TieKey = tuple[object, ...]


def tie_key(election: Election, order: TieOrder) -> Callable[[int], TieKey]:
    """A sort key on project indices: among tied projects, the smallest key wins."""
    if order == "pabutools":
        return lambda index: (election.projects[index].project_id,)
    if order == "file":
        return lambda index: (index,)
    supporters = election.supporters()
    lot = {project_id: position for position, project_id in enumerate(election.lot_order)}
    last = len(lot)

    def default_key(index: int) -> TieKey:
        project = election.projects[index]
        return (project.cost, -supporters[index], lot.get(project.project_id, last), index)

    return default_key


def criterion(election: Election, order: TieOrder, winner: int, others: Sequence[int]) -> str:
    """Which criterion separated the winner from the closest of the other tied projects."""
    if order == "pabutools":
        return "project id as a string (pabutools)"
    if order == "file":
        return "order of PROJECTS in the file"
    supporters = election.supporters()
    cost = election.projects[winner].cost
    same_cost = [other for other in others if election.projects[other].cost == cost]
    if not same_cost:
        return "lower cost"
    if all(supporters[other] != supporters[winner] for other in same_cost):
        return "more votes"
    return "lot"
