"""The quota proposal rule (pb.panels.quotas): largest remainder ± tolerance, clipped, always consistent."""

from __future__ import annotations

import itertools

import pytest

from pb.panels.quotas import Bounds, Problem, centre_counts, check, propose


def test_proportional_counts_add_up_to_the_panel_size_where_plain_rounding_would_not() -> None:
    # Three equal thirds of a panel of 10 round to 3 + 3 + 3 = 9; the largest remainder gives the tenth seat.
    assert centre_counts([3333, 3333, 3334], 10) == [3, 3, 4]
    assert centre_counts([5100, 4900], 21) == [11, 10]


def test_the_proposal_is_the_proportional_count_plus_and_minus_the_tolerance() -> None:
    assert propose([5100, 4900], 20, 2) == [Bounds(8, 12), Bounds(8, 12)]


def test_a_proposal_never_goes_below_zero_or_above_the_panel_size() -> None:
    assert propose([9800, 200], 10, 3) == [Bounds(7, 10), Bounds(0, 3)]


def test_ties_in_the_remainder_go_to_the_value_listed_first() -> None:
    assert centre_counts([2500, 2500, 2500, 2500], 2) == [1, 1, 0, 0]


@pytest.mark.parametrize("size", [2, 7, 21, 24, 50])
def test_every_proposal_is_consistent_for_any_shares(size: int) -> None:
    for shares in itertools.product([0, 150, 2333, 5000, 8001], repeat=3):
        if not sum(shares):
            continue
        for tolerance in (0, 1, 3):
            bounds = propose(list(shares), size, tolerance)
            assert sum(item.min for item in bounds) <= size <= sum(item.max for item in bounds)
            assert all(0 <= item.min <= item.max <= size for item in bounds)


def test_the_check_names_categories_whose_quotas_cannot_be_met() -> None:
    problems = check(
        {
            "age": [(5000, Bounds(3, 4)), (5000, Bounds(3, 4))],  # minimums 6 > 5
            "gender": [(5000, Bounds(0, 2)), (5000, Bounds(0, 2))],  # maximums 4 < 5
            "district": [(6000, Bounds(2, 3)), (3000, Bounds(2, 3))],  # shares add up to 90 %
            "language": [(10_000, Bounds(5, 5))],
        },
        5,
    )
    assert problems == [
        Problem("age", "mins_above_size", 6),
        Problem("gender", "maxes_below_size", 4),
        Problem("district", "shares_total", 9000),
    ]


def test_values_without_quotas_are_not_yet_checked_for_consistency() -> None:
    assert check({"age": [(5000, None), (5000, Bounds(0, 1))]}, 5) == []
