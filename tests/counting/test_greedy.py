"""Greedy rules on tiny hand-made elections."""

from __future__ import annotations

from pb.counting.election import Election
from pb.counting.greedy import greedy

# Budget 100; A costs 60 with 3 votes, B 50 with 2, C 40 with 1.
COSTS = {"A": 60, "B": 50, "C": 40}
BALLOTS = [["A", "B"], ["A", "B"], ["A", "C"]]


def test_it_funds_projects_by_decreasing_votes() -> None:
    outcome = greedy(Election.build(200, COSTS, BALLOTS))
    assert outcome.selected == ("A", "B", "C")
    assert outcome.total_cost == 150


def test_it_skips_a_project_that_no_longer_fits() -> None:
    outcome = greedy(Election.build(100, COSTS, BALLOTS))
    assert outcome.selected == ("A", "C")
    assert outcome.total_cost == 100


def test_it_stops_at_the_first_project_that_does_not_fit_without_skipping() -> None:
    outcome = greedy(Election.build(100, COSTS, BALLOTS), variant="no-skip")
    assert outcome.selected == ("A",)


def test_it_leaves_out_projects_below_the_score_threshold() -> None:
    election = Election.build(200, COSTS, BALLOTS, score_threshold=2)
    assert greedy(election, variant="threshold").selected == ("A", "B")
    assert greedy(election, variant="threshold", threshold=3).selected == ("A",)


def test_it_funds_a_project_without_votes_if_money_is_left() -> None:
    outcome = greedy(Election.build(100, {"A": 60, "Z": 30}, [["A"]]))
    assert outcome.selected == ("A", "Z")


def test_it_adds_points_of_cumulative_ballots() -> None:
    election = Election.build(60, {"A": 60, "B": 60}, [{"A": 1}, {"A": 1}, {"B": 3}], vote_type="cumulative")
    assert greedy(election).selected == ("B",)


def test_it_breaks_a_tie_by_lower_cost_by_default() -> None:
    election = Election.build(60, {"A": 60, "B": 50}, [["A", "B"]])
    outcome = greedy(election)
    assert outcome.selected == ("B",)
    assert len(outcome.ties) == 1
    assert outcome.ties[0].tied == ("B", "A")
    assert outcome.ties[0].chosen == "B"
    assert outcome.ties[0].criterion == "lower cost"


def test_it_breaks_a_tie_of_points_by_more_voters_by_default() -> None:
    # Both have 4 points; A from two voters, B from one.
    election = Election.build(50, {"A": 50, "B": 50}, [{"A": 2}, {"A": 2}, {"B": 4}], vote_type="cumulative")
    outcome = greedy(election)
    assert outcome.selected == ("A",)
    assert outcome.ties[0].criterion == "more votes"


def test_it_breaks_a_remaining_tie_by_the_stored_lot() -> None:
    election = Election.build(50, {"A": 50, "B": 50}, [["A", "B"]], lot_order=["B", "A"])
    outcome = greedy(election)
    assert outcome.selected == ("B",)
    assert outcome.ties[0].criterion == "lot"


def test_it_breaks_ties_by_project_id_as_a_string_like_pabutools() -> None:
    election = Election.build(50, {"9": 50, "10": 50}, [["9", "10"]])
    outcome = greedy(election, ties="pabutools")
    assert outcome.selected == ("10",)
    assert outcome.ties[0].criterion == "project id as a string (pabutools)"


def test_it_breaks_ties_by_file_order_for_city_variants() -> None:
    election = Election.build(50, {"9": 50, "10": 50}, [["9", "10"]])
    assert greedy(election, ties="file").selected == ("9",)


def test_it_reports_no_tie_when_the_order_decided_nothing() -> None:
    election = Election.build(200, {"A": 60, "B": 50}, [["A", "B"]])
    assert greedy(election).ties == ()
