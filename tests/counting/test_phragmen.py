"""Sequential Phragmén on tiny hand-made elections."""

from __future__ import annotations

import pytest

from pb.counting.election import Election
from pb.counting.phragmen import phragmen


def test_it_buys_the_project_whose_supporters_first_earn_its_cost() -> None:
    # A (cost 30, 3 supporters) is bought at load 10; then C (cost 30, voters 1 and 2, who carry 10 each)
    # at (10 + 10 + 30) / 2 = 25 before B (cost 20, voter 3, who carries 10) at 10 + 20 = 30.
    election = Election.build(100, {"A": 30, "B": 20, "C": 30}, [["A", "C"], ["A", "C"], ["A", "B"]])
    outcome = phragmen(election)
    assert outcome.selected == ("A", "C", "B")
    assert outcome.total_cost == 80


def test_it_stops_at_the_first_project_that_does_not_fit() -> None:
    election = Election.build(50, {"A": 30, "B": 30, "C": 20}, [["A"], ["A"], ["B"], ["B"], ["C"]])
    # A and B reach load 15 together, before C (20); equal cost and votes, so the lot picks A. B then no
    # longer fits, so the rule stops even though C would fit.
    outcome = phragmen(election)
    assert outcome.selected == ("A",)
    assert outcome.ties[0].tied == ("A", "B")


def test_projects_reaching_the_same_load_by_different_histories_are_an_exact_tie() -> None:
    # A (cost 3, thirty supporters) is bought at load 1/10. Then B (cost 6, the same thirty, who carry 1/10
    # each) and C (cost 3, ten others, who carry nothing) both reach load 3/10 exactly: both pass the float
    # filter, the exact loads tie, and the default order takes the cheaper C.
    ballots = [["A", "B"]] * 30 + [["C"]] * 10
    outcome = phragmen(Election.build(100, {"A": 3, "B": 6, "C": 3}, ballots))
    assert outcome.selected == ("A", "C", "B")
    assert [(tie.step, tie.tied, tie.chosen, tie.criterion) for tie in outcome.ties] == [
        (1, ("C", "B"), "C", "lower cost")
    ]


def test_it_refuses_cumulative_ballots() -> None:
    election = Election.build(50, {"A": 30}, [{"A": 2}], vote_type="cumulative")
    with pytest.raises(ValueError, match="approval"):
        phragmen(election)
