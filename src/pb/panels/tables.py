"""Small-group (table) allocation for a panel session: pure functions on plain data.

Good practice (deliberation-panels.md §3.1 step 6; Sortition Foundation's GroupSelect) mixes the members across
the selection categories at every table and rotates them between sessions, so that everyone hears as many
different people as possible. The rule here:

- tables are as equal in size as possible (sizes differ by at most one);
- a seating's cost is, summed over the tables, the number of pairs at a table who share a category value, plus
  ``REPEAT_WEIGHT`` times the number of pairs who already sat together in an earlier session;
- members are placed one at a time, in an order fixed by SHA-256 of the seed and their id, at the table where
  they add the least cost (ties: the smaller table, then the lower number); then single swaps of two members at
  different tables are made while one lowers the cost.

The result depends only on the inputs and the seed, so a facilitator gets the same tables again for the same
session, and another session (another seed) gets another mix.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from itertools import combinations

# A repeated pair costs as much as this many shared values: rotation matters, but not more than mixing.
REPEAT_WEIGHT = 2


def _order_key(seed: str, member_id: int) -> str:
    return hashlib.sha256(f"{seed}\x1f{member_id}".encode()).hexdigest()


def _pair_cost(a: int, b: int, features: Mapping[int, Mapping[str, str]], met: Mapping[frozenset[int], int]) -> int:
    shared = sum(1 for category, value in features[a].items() if features[b].get(category) == value)
    return shared + REPEAT_WEIGHT * met.get(frozenset((a, b)), 0)


def earlier_pairs(sessions: Sequence[Mapping[int, int]]) -> dict[frozenset[int], int]:
    """How often each pair of members sat at one table, from earlier sessions' seatings (member -> table)."""
    met: dict[frozenset[int], int] = {}
    for seating in sessions:
        tables: dict[int, list[int]] = {}
        for member, table in seating.items():
            tables.setdefault(table, []).append(member)
        for members in tables.values():
            for a, b in combinations(sorted(members), 2):
                key = frozenset((a, b))
                met[key] = met.get(key, 0) + 1
    return met


def allocate(
    features: Mapping[int, Mapping[str, str]],
    tables: int,
    seed: str,
    met: Mapping[frozenset[int], int] | None = None,
) -> dict[int, int]:
    """Member id -> table number (1-based) for the members in ``features`` (id -> category -> value)."""
    if tables < 1:
        raise ValueError("at least one table")
    met = met or {}
    members = sorted(features, key=lambda member: (_order_key(seed, member), member))
    tables = min(tables, max(1, len(members)))
    capacity = [len(members) // tables + (1 if index < len(members) % tables else 0) for index in range(tables)]
    seated: list[list[int]] = [[] for _ in range(tables)]
    for member in members:
        options = [
            (sum(_pair_cost(member, other, features, met) for other in seated[index]), len(seated[index]), index)
            for index in range(tables)
            if len(seated[index]) < capacity[index]
        ]
        seated[min(options)[2]].append(member)

    def table_cost(group: Sequence[int]) -> int:
        return sum(_pair_cost(a, b, features, met) for a, b in combinations(group, 2))

    improved = True
    while improved:
        improved = False
        for first, second in combinations(range(tables), 2):
            for a in list(seated[first]):
                for b in list(seated[second]):
                    before = table_cost(seated[first]) + table_cost(seated[second])
                    one = [b if member == a else member for member in seated[first]]
                    two = [a if member == b else member for member in seated[second]]
                    if table_cost(one) + table_cost(two) < before:
                        seated[first], seated[second] = one, two
                        improved = True
                        break
                if improved:
                    break
            if improved:
                break
    return {member: index + 1 for index, group in enumerate(seated) for member in group}


def cost(
    features: Mapping[int, Mapping[str, str]], seating: Mapping[int, int], met: Mapping[frozenset[int], int]
) -> int:
    """The seating's cost as defined in the module's docstring (for tests and for showing the mix)."""
    tables: dict[int, list[int]] = {}
    for member, table in seating.items():
        tables.setdefault(table, []).append(member)
    return sum(
        _pair_cost(a, b, features, met) for members in tables.values() for a, b in combinations(sorted(members), 2)
    )
