"""Property tests: on small random elections pb agrees with pabutools 1.2.3 and never overspends."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pabutools.election import (
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    Project,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

from pb.counting.election import Election
from pb.counting.greedy import greedy
from pb.counting.mes import _batch_runs, mes, mes_add1, mes_add1_checker, mes_add1_es, mes_run, prepare
from pb.counting.phragmen import phragmen
from pb.counting.rules import RULES, count
from pb.counting.ties import TIE_ORDERS, TieOrder


def _cost_points(instance: object, profile: object, ballot: CumulativeBallot, project: Project, pre: object) -> object:
    return ballot.get(project, 0) * project.cost


class CostPoints_Sat(AdditiveSatisfaction):
    """Cost utilities for points ballots: points x cost, as pb and the Pabulib references use them."""

    def __init__(self, instance: Instance, profile: CumulativeProfile, ballot: CumulativeBallot) -> None:
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _cost_points)


SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(draw: st.DrawFn, cumulative: bool = False) -> Election:
    n_projects = draw(st.integers(1, 6))
    # Small integer costs and few voters make exact ties frequent, which is what needs testing.
    costs = {str(i + 1): draw(st.integers(1, 12)) * 5 for i in range(n_projects)}
    ids = list(costs)
    ballots: list[dict[str, int] | list[str]] = []
    for _ in range(draw(st.integers(1, 9))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n_projects))
        if cumulative:
            ballots.append({p: draw(st.integers(1, 3)) for p in chosen})
        else:
            ballots.append(chosen)
    budget = draw(st.integers(5, 2 * sum(costs.values())))
    return Election.build(budget, costs, ballots, vote_type="cumulative" if cumulative else "approval")


def _pabutools(election: Election) -> tuple[Instance, ApprovalProfile | CumulativeProfile, dict[str, Project]]:
    instance = Instance(budget_limit=election.budget)
    projects = {p.project_id: Project(p.project_id, p.cost) for p in election.projects}
    instance.update(projects.values())
    profile: ApprovalProfile | CumulativeProfile
    if election.vote_type == "cumulative":
        profile = CumulativeProfile(instance=instance)
        for ballot in election.ballots:
            cumulative = {projects[election.projects[i].project_id]: points for i, points in ballot.points}
            for _ in range(ballot.weight):
                profile.append(CumulativeBallot(cumulative))
    else:
        profile = ApprovalProfile(instance=instance)
        for ballot in election.ballots:
            for _ in range(ballot.weight):
                profile.append(ApprovalBallot({projects[election.projects[i].project_id] for i, _ in ballot.points}))
    return instance, profile, projects


def _names(allocation: object) -> list[str]:
    return [project.name for project in allocation]  # type: ignore[attr-defined]


@SETTINGS
@given(elections())
def test_greedy_selects_what_pabutools_selects_in_the_same_order(election: Election) -> None:
    instance, profile, _ = _pabutools(election)
    expected = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert sorted(greedy(election, ties="pabutools").selected) == sorted(_names(expected))


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)))
def test_mes_selects_what_pabutools_selects_in_the_same_order(election: Election) -> None:
    instance, profile, _ = _pabutools(election)
    sat = CostPoints_Sat if election.vote_type == "cumulative" else Cost_Sat
    expected = method_of_equal_shares(instance, profile, sat_class=sat)
    assert list(mes(election, ties="pabutools").selected) == _names(expected)


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)))
def test_mes_with_add1_selects_what_pabutools_selects(election: Election) -> None:
    instance, profile, _ = _pabutools(election)
    sat = CostPoints_Sat if election.vote_type == "cumulative" else Cost_Sat
    expected = method_of_equal_shares(instance, profile, sat_class=sat, voter_budget_increment=1)
    assert list(mes_add1(election, ties="pabutools").selected) == _names(expected)


@SETTINGS
@given(elections())
def test_phragmen_selects_what_pabutools_selects(election: Election) -> None:
    instance, profile, _ = _pabutools(election)
    expected = sequential_phragmen(instance, profile)
    assert sorted(phragmen(election, ties="pabutools").selected) == sorted(_names(expected))


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)), st.sampled_from(["default", "pabutools", "file"]))
def test_no_rule_spends_more_than_the_budget(election: Election, ties: str) -> None:
    for name in RULES:
        if name == "phragmen" and election.vote_type != "approval":
            continue
        outcome = count(name, election, ties)  # type: ignore[arg-type]
        assert outcome.total_cost <= election.budget
        assert outcome.total_cost == sum(election.projects[election.index(p)].cost for p in outcome.selected)
        assert len(set(outcome.selected)) == len(outcome.selected)


@SETTINGS
@given(elections())
def test_completions_never_end_below_the_uncompleted_endowment(election: Election) -> None:
    share = Fraction(election.budget) / election.n_voters
    for rule in (mes_add1_es, mes_add1_checker):
        endowment = rule(election).endowment
        assert endowment is not None and endowment >= int(share)


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)))
def test_skipping_completion_steps_changes_no_outcome(election: Election) -> None:
    for rule in (mes_add1, mes_add1_es, mes_add1_checker):
        brute, skipping = rule(election, skip=False), rule(election)
        assert (skipping.selected, skipping.endowment, skipping.ties) == (brute.selected, brute.endowment, brute.ties)


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)), st.sampled_from(TIE_ORDERS))
def test_a_certified_run_has_the_outcome_of_every_endowment_below_it(election: Election, ties: TieOrder) -> None:
    prepared = prepare(election)
    share = Fraction(election.budget) / max(1, election.n_voters)
    runs = [mes_run(prepared, share + step, ties) for step in range(40)]
    for low in range(0, 20, 2):
        for distance in range(1, 20):
            probe = mes_run(prepared, share + low + distance, ties, against=runs[low])
            if probe.certified:
                assert all(run.selected == probe.selected for run in runs[low : low + distance])


@SETTINGS
@given(st.one_of(elections(), elections(cumulative=True)), st.integers(1, 12), st.sampled_from(TIE_ORDERS))
def test_a_batch_of_endowments_gives_each_the_outcome_of_its_own_run(
    election: Election, width: int, ties: TieOrder
) -> None:
    prepared = prepare(election)
    start = Fraction(election.budget) / max(1, election.n_voters)
    for offset, run in enumerate(_batch_runs(prepared, start, width, ties)):
        if run is not None:  # given up on a near-tie: the completions recompute it with mes_run
            alone = mes_run(prepared, start + offset, ties)
            assert (run.selected, run.cost, run.ties) == (alone.selected, alone.cost, alone.ties)
