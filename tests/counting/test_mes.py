"""The Method of Equal Shares and its completions on tiny hand-made elections."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from pb.counting import mes as mes_module
from pb.counting.election import Election
from pb.counting.mes import (
    _batch_runs,
    mes,
    mes_add1,
    mes_add1_checker,
    mes_add1_es,
    mes_add1_greedy,
    mes_add1u_es,
    mes_run,
    prepare,
)
from pb.counting.pabulib import read_pabulib
from tests.counting.conftest import LOCAL_PABULIB

# Budget 100, four voters with 25 each. C (50) is approved by all four and costs each 12.50; A (60) by the
# first three, who then hold 3 x 12.50 < 60; B (40) by the fourth alone, who never holds 40.
FOUR = Election.build(100, {"A": 60, "B": 40, "C": 50}, [["A", "C"], ["A", "C"], ["A", "C"], ["B", "C"]])


def test_it_funds_the_project_with_the_lowest_price_per_unit_of_utility() -> None:
    outcome = mes(FOUR)
    assert outcome.selected == ("C",)
    assert outcome.total_cost == 50
    assert outcome.endowment == 25
    assert outcome.mes_runs == 1


def test_it_raises_the_endowment_until_the_next_step_would_overspend() -> None:
    # From 33 per voter A becomes affordable (3 x (33 - 12.50) >= 60) and the outcome would cost 110.
    for rule in (mes_add1_es, mes_add1_checker, mes_add1):
        outcome = rule(FOUR)
        assert outcome.selected == ("C",)
        assert outcome.endowment == 32


def test_it_counts_every_mes_run_of_a_completion() -> None:
    # equalshares.net: 25, 26, ..., 32 accepted, 33 overspends: 9 runs.
    assert mes_add1_es(FOUR, skip=False).mes_runs == 9


def test_it_skips_only_steps_whose_outcome_provably_repeats() -> None:
    # FOUR in hundredths: from 2500 to 3249 per voter C is funded alone, and from 3250 A too (110 % of the
    # budget). Step by step that is 751 runs; the certified probes need a few dozen.
    election = Election.build(
        10_000, {"A": 6_000, "B": 4_000, "C": 5_000}, [["A", "C"], ["A", "C"], ["A", "C"], ["B", "C"]]
    )
    brute, skipping = mes_add1_es(election, skip=False), mes_add1_es(election)
    assert brute.mes_runs == 751
    assert skipping.mes_runs < 40
    assert (skipping.selected, skipping.endowment) == (brute.selected, brute.endowment) == (("C",), 3249)
    for rule in (mes_add1, mes_add1_checker):
        assert rule(election).endowment == rule(election, skip=False).endowment


def test_a_run_certifies_the_endowments_below_it_only_while_the_outcome_provably_holds() -> None:
    prepared = prepare(FOUR)
    base = mes_run(prepared, Fraction(25), "default")
    assert mes_run(prepared, Fraction(32), "default", against=base).certified
    # At 33 A becomes affordable: the outcome changes, and nothing is certified.
    assert not mes_run(prepared, Fraction(33), "default", against=base).certified


def test_it_fills_the_leftover_by_votes_after_the_completion() -> None:
    assert mes_add1u_es(FOUR).selected == ("C", "B")
    assert mes_add1_greedy(FOUR).selected == ("C", "B")
    assert mes_add1u_es(FOUR).total_cost == 90


def test_it_starts_equalshares_net_at_the_whole_currency_unit_below_the_share() -> None:
    # 100 / 3 = 33.33...: pabutools starts there, equalshares.net at 33.
    election = Election.build(100, {"A": 100}, [["A"], ["A"], []])
    assert mes(election).endowment == Fraction(100, 3)
    assert mes(election).selected == ()
    # Two supporters with 50 each buy A; the outcome is then exhaustive.
    assert mes_add1_es(election).selected == ("A",)
    assert mes_add1_es(election).endowment == 50
    assert mes_add1(election).endowment == Fraction(100, 3) + 17


def test_the_checker_variant_stops_once_every_supported_project_is_funded() -> None:
    # Nobody approves Z, so the checker's loop "while the outcome fits" would never end without the guard.
    election = Election.build(100, {"A": 10, "Z": 50}, [["A"], ["A"]])
    outcome = mes_add1_checker(election)
    assert outcome.selected == ("A",)
    assert outcome.mes_runs == 1


def test_the_equalshares_net_completion_ends_when_more_money_can_change_nothing() -> None:
    election = Election.build(100, {"A": 10, "Z": 50}, [["A"], ["A"]])
    outcome = mes_add1_es(election)
    assert outcome.selected == ("A",)
    assert outcome.mes_runs < 20


def test_the_pabutools_completion_ignores_projects_nobody_supports() -> None:
    election = Election.build(100, {"A": 10, "Z": 50}, [["A"], ["A"]])
    assert mes_add1(election).mes_runs == 1


def test_it_breaks_a_tie_by_lower_cost_by_default_and_reports_it() -> None:
    # 30 per voter. A (60, voters 1-2) and B (30, voters 3-4) both cost their supporters 1/2 per unit.
    election = Election.build(120, {"A": 60, "B": 30}, [["A"], ["A"], ["B"], ["B"]])
    outcome = mes(election)
    assert outcome.selected == ("B", "A")
    (tie,) = outcome.ties
    assert (tie.step, tie.tied, tie.chosen, tie.criterion) == (0, ("B", "A"), "B", "lower cost")


def test_it_breaks_a_tie_by_project_id_string_with_pabutools_order() -> None:
    election = Election.build(120, {"9": 60, "10": 30}, [["9"], ["9"], ["10"], ["10"]])
    outcome = mes(election, ties="pabutools")
    assert outcome.selected == ("10", "9")


def test_it_breaks_a_tie_of_equal_projects_by_the_stored_lot() -> None:
    # Equal cost and votes: only one of A and B can be funded, the lot decides.
    election = Election.build(100, {"A": 60, "B": 60}, [["A", "B"], ["A", "B"]], lot_order=["B", "A"])
    outcome = mes(election)
    assert outcome.selected == ("B",)
    assert outcome.ties[0].criterion == "lot"


def test_a_voter_short_of_the_price_pays_all_they_have() -> None:
    # 20 each. Voter 1 gives A 1 point, voter 2 gives 3: at 10 per point voter 2 would owe 30 > 20, so
    # voter 2 pays 20 and voter 1 pays the rest, 20 = price per point 20 x 1 point.
    election = Election.build(40, {"A": 40, "B": 20}, [{"A": 1, "B": 1}, {"A": 3}], vote_type="cumulative")
    outcome = mes(election)
    assert outcome.selected == ("A",)
    assert outcome.total_cost == 40


def test_it_funds_a_free_project_with_supporters_first() -> None:
    election = Election.build(10, {"A": 10, "F": 0}, [["A", "F"]])
    assert mes(election).selected == ("F", "A")


def test_it_funds_nothing_without_voters() -> None:
    election = Election.build(10, {"A": 10}, [])
    for rule in (mes, mes_add1, mes_add1_es, mes_add1_checker):
        assert rule(election).selected == ()


def test_it_resolves_a_tie_that_float_arithmetic_only_sees_as_a_near_tie() -> None:
    # Budget 1 among 3 voters (1/3 each, not a float). After A, every voter holds 1/3 - 1/10; B and C then
    # cost their supporters exactly the same per unit of utility, which pb must see as a tie.
    election = Election.build(
        1,
        {"A": Fraction(3, 10), "B": Fraction(1, 5), "C": Fraction(1, 5)},
        [["A", "B"], ["A", "C"], ["A", "B", "C"]],
    )
    outcome = mes(election)
    assert outcome.selected[0] == "A"
    assert outcome.ties[-1].tied == ("B", "C")


def test_a_batch_of_endowments_decides_each_as_its_own_run_would() -> None:
    prepared = prepare(FOUR)
    batch = _batch_runs(prepared, Fraction(25), 10, "default")
    for offset, run in enumerate(batch):
        assert run is not None
        alone = mes_run(prepared, Fraction(25 + offset), "default")
        assert (run.selected, run.cost) == (alone.selected, alone.cost)
    # From 33 per voter A is affordable too (see above): 33 overspends, which ends every completion, so the
    # batch computes no endowment beyond it.
    assert [len(run.selected) for run in batch if run] == [1] * 8 + [2]
    assert batch[-1] is not None and batch[-1].cost > FOUR.budget


@pytest.mark.parametrize("stem", ["Netherlands_Assen_2024", "Switzerland_Zurich_S5"])
@pytest.mark.parametrize("ties", ["default", "pabutools"])
def test_every_batch_column_of_a_real_election_is_the_run_at_its_endowment(
    stem: str, ties: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both files make batches leave out penniless supporters (`_live_view`) and settle near-ties in all
    # columns at once (`_settle_near_ties`); each column must still select, spend and report ties exactly as
    # a separate run does.
    election = Election.from_pabulib(read_pabulib(LOCAL_PABULIB / f"{stem}.pb"))
    prepared = prepare(election)
    used: dict[str, int] = {"views": 0, "tie sets": 0}
    live_view, settle = mes_module._live_view, mes_module._settle_near_ties

    def counting_view(*args):  # type: ignore[no-untyped-def]
        view, penniless = live_view(*args)
        used["views"] += view is not None
        return view, penniless

    def counting_settle(*args):  # type: ignore[no-untyped-def]
        chosen, tied_sets = settle(*args)
        used["tie sets"] += len(tied_sets)
        return chosen, tied_sets

    monkeypatch.setattr(mes_module, "_live_view", counting_view)
    monkeypatch.setattr(mes_module, "_settle_near_ties", counting_settle)
    start = Fraction(math.floor(Fraction(election.budget) / election.n_voters))
    for shift in (0, 40, 200):
        for offset, column in enumerate(_batch_runs(prepared, start + shift, 32, ties)):  # type: ignore[arg-type]
            alone = mes_run(prepared, start + shift + offset, ties)  # type: ignore[arg-type]
            assert column is not None
            assert (column.selected, column.cost, column.ties) == (alone.selected, alone.cost, alone.ties)
    assert used["views"] > 0
    assert used["tie sets"] > 0


def test_a_batch_resolves_a_tie_of_fully_paid_projects_exactly_and_reports_it() -> None:
    # From 31 per voter A's and B's supporters all pay less than they hold, 1/2 per unit of utility for both:
    # an exact tie at every endowment. (At exactly 30 A takes everything A's supporters hold, a near-tie the
    # batch leaves to mes_run's exact arithmetic.)
    election = Election.build(120, {"A": 60, "B": 30}, [["A"], ["A"], ["B"], ["B"]])
    prepared = prepare(election)
    for offset, run in enumerate(_batch_runs(prepared, Fraction(31), 4, "default")):
        assert run is not None
        assert run.ties == mes_run(prepared, Fraction(31 + offset), "default").ties
        assert [(tie.tied, tie.chosen, tie.criterion) for tie in run.ties] == [(("B", "A"), "B", "lower cost")]


def test_a_persistent_exact_tie_certifies_when_the_tie_order_keeps_the_winner() -> None:
    # From 31 per voter A's and B's supporters all pay in full: 1/2 per unit of utility for both at every
    # endowment, and the lower cost keeps B first.
    election = Election.build(120, {"A": 60, "B": 30}, [["A"], ["A"], ["B"], ["B"]])
    prepared = prepare(election)
    base = mes_run(prepared, Fraction(31), "default")
    probe = mes_run(prepared, Fraction(40), "default", against=base)
    assert probe.certified
    assert [tie.tied for tie in probe.ties] == [("B", "A")]


def test_a_run_does_not_certify_an_outcome_that_changes_and_comes_back() -> None:
    # MES is not monotone in the endowment: C, A, B at 71.5 and at 78.5 per voter, but C, A, D at 73.5-77.5.
    election = Election.build(
        243,
        {"A": 60, "B": 150, "C": 150, "D": 100},
        [["C", "D"], ["A", "B", "C", "D"], ["A", "C"], ["B"], ["A", "B", "C", "D"], ["A", "B", "C"]],
    )
    prepared = prepare(election)
    low, high = (mes_run(prepared, Fraction(value, 2), "default") for value in (143, 157))
    assert low.selected == high.selected
    assert mes_run(prepared, Fraction(147, 2), "default").selected != low.selected
    assert not mes_run(prepared, Fraction(157, 2), "default", against=low).certified
    assert mes_run(prepared, Fraction(145, 2), "default", against=low).certified
