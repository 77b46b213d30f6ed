"""The bootstrap stability analysis on plain data (pb.results.stability): seeded, bounded, and right where the
answer is certain."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from pb.counting.election import Election
from pb.counting.pabulib import read_pabulib
from pb.counting.rules import count
from pb.results.stability import bootstrap_stability, resampled_weights, stability_of_file

PABULIB = Path(__file__).resolve().parents[1] / "data" / "pabulib"
COSTS = {"lava": 400, "uimaranta": 200, "skeittipuisto": 150, "kirjastoauto": 100, "kukaan": 50}


def camps() -> Election:
    """Two camps and a small group in between; nobody votes for "kukaan"."""
    ballots = [["lava"]] * 10 + [["uimaranta", "skeittipuisto"]] * 5 + [["uimaranta", "kirjastoauto"]] * 4
    ballots += [["skeittipuisto", "kirjastoauto"]] * 2
    return Election.build(500, COSTS, ballots)


def landslide() -> Election:
    """Every voter approves "lava", which fits in the budget: every resample is made of its supporters."""
    ballots = [["lava"]] * 30 + [["lava", "uimaranta"]] * 3 + [["lava", "kirjastoauto"]] * 2
    return Election.build(500, COSTS, ballots)


def test_the_same_seed_gives_the_same_shares_and_another_seed_other_resamples() -> None:
    first = bootstrap_stability(camps(), "mes_add1_es", seed="published-seed", resamples=50)
    again = bootstrap_stability(camps(), "mes_add1_es", seed="published-seed", resamples=50)
    other = [resampled_weights(camps(), "another-seed", r) for r in range(5)]

    assert first == again
    assert [resampled_weights(camps(), "published-seed", r) for r in range(5)] != other


def test_each_resample_draws_as_many_voters_as_voted_and_resamples_differ() -> None:
    election = camps()
    draws = [resampled_weights(election, "s", r) for r in range(20)]

    assert all(sum(weights) == election.n_voters for weights in draws)
    assert len({tuple(weights) for weights in draws}) > 1


@pytest.mark.parametrize("variant", ["mes_add1_es", "greedy", "phragmen"])
def test_every_project_gets_a_share_between_zero_and_one(variant: str) -> None:
    stability = bootstrap_stability(camps(), variant, seed="s", resamples=40)

    assert set(stability.wins) == set(COSTS)
    assert all(0 <= stability.share(project) <= 1 for project in COSTS)
    assert all(0 <= wins <= 40 for wins in stability.wins.values())
    # A close contest: some projects win in some resamples and lose in others.
    assert any(0 < stability.share(project) < 1 for project in COSTS)


def test_a_project_nobody_supports_never_wins_a_proportional_count() -> None:
    # Greedy would fund it with money left over (it funds by votes, zero included); MES pays only with supporters.
    assert bootstrap_stability(camps(), "mes_add1_es", seed="s", resamples=40).share("kukaan") == 0


def test_a_project_that_wins_by_a_landslide_wins_every_resample() -> None:
    stability = bootstrap_stability(landslide(), "mes_add1_es", seed="s", resamples=200)

    assert stability.resamples == 200
    assert stability.share("lava") == Fraction(1)
    assert stability.wins["lava"] == 200


def test_two_hundred_resamples_is_the_default() -> None:
    assert bootstrap_stability(landslide(), "greedy", seed="s").resamples == 200


def test_a_rule_that_does_not_apply_is_refused() -> None:
    points = Election.build(500, COSTS, [{"lava": 3, "uimaranta": 1}] * 5, vote_type="cumulative")

    with pytest.raises(ValueError):
        bootstrap_stability(points, "phragmen", seed="s", resamples=3)
    with pytest.raises(ValueError):
        bootstrap_stability(camps(), "greedy", seed="s", resamples=0)


def test_a_file_is_resampled_as_pb_tally_reads_it() -> None:
    path = PABULIB / "Poland_Warszawa_2019_Sadul.pb"
    data = read_pabulib(path)
    election = Election.from_pabulib(data, lot_order=[project.project_id for project in data.projects])

    wins = stability_of_file(path.read_bytes(), "mes", "seed-1", 20)

    assert wins == bootstrap_stability(election, "mes_add1_es", seed="seed-1", resamples=20).wins


def test_an_election_without_voters_resamples_to_itself() -> None:
    empty = Election.build(500, COSTS, [])
    selected = set(count("greedy", empty, "default").selected)

    stability = bootstrap_stability(empty, "greedy", seed="s", resamples=5)

    assert stability.wins == {project: 5 if project in selected else 0 for project in COSTS}
