"""Tiny hand-made pools for the sortition tests, small enough to check by hand."""

from __future__ import annotations

from collections.abc import Sequence

from pb.sortition.models import Instance, Person, Quota, household_key


def make_instance(
    people: Sequence[tuple[str, dict[str, str], str | None]],
    quotas: Sequence[tuple[str, str, int, int]],
    panel_size: int,
) -> Instance:
    categories = tuple(dict.fromkeys(c for c, _, _, _ in quotas))
    return Instance(
        people=tuple(
            Person(pid, features, household_key([address]) if address else None) for pid, features, address in people
        ),
        quotas=tuple(Quota(c, v, lo, hi) for c, v, lo, hi in quotas),
        panel_size=panel_size,
        categories=categories,
        name="tiny",
    )


def two_women_one_man() -> Instance:
    """Panel of two with exactly one woman and one man: the only man must always sit on it."""
    return make_instance(
        [("a", {"gender": "f"}, None), ("b", {"gender": "f"}, None), ("c", {"gender": "m"}, None)],
        [("gender", "f", 1, 1), ("gender", "m", 1, 1)],
        2,
    )


def shared_flat() -> Instance:
    """Four people, two of whom (a, b) live at the same address; any two may sit on the panel."""
    return make_instance(
        [
            ("a", {"gender": "f"}, "Katu 1 A 3"),
            ("b", {"gender": "f"}, "KATU 1 a 3"),
            ("c", {"gender": "m"}, "Tie 2"),
            ("d", {"gender": "m"}, "Polku 5"),
        ],
        [("gender", "f", 0, 2), ("gender", "m", 0, 2)],
        2,
    )


def unequal_pool() -> Instance:
    """Six people over two categories where LEXIMIN cannot give everyone the same chance."""
    return make_instance(
        [
            ("p1", {"age": "young", "area": "north"}, None),
            ("p2", {"age": "young", "area": "north"}, None),
            ("p3", {"age": "young", "area": "south"}, None),
            ("p4", {"age": "old", "area": "north"}, None),
            ("p5", {"age": "old", "area": "north"}, None),
            ("p6", {"age": "old", "area": "north"}, None),
        ],
        [
            ("age", "young", 1, 2),
            ("age", "old", 1, 2),
            ("area", "north", 1, 2),
            ("area", "south", 1, 1),
        ],
        3,
    )
