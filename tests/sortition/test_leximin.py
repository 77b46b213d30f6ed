from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pb.sortition.leximin import InfeasibleQuotasError, Progress, find_leximin
from pb.sortition.models import load_instance
from pb.sortition.panels import panel_is_valid
from tests.sortition.pools import make_instance, shared_flat, two_women_one_man, unequal_pool

DATA = Path(__file__).resolve().parents[1] / "data" / "sortition"


def test_it_gives_interchangeable_people_equal_chances_and_the_forced_person_certainty() -> None:
    result = find_leximin(two_women_one_man())
    assert result.probability_by_id() == pytest.approx({"a": 0.5, "b": 0.5, "c": 1.0}, abs=1e-7)


def test_it_maximises_the_minimum_then_the_rest_on_an_unequal_pool() -> None:
    # p3 is the only southerner and must sit on every panel; the other five share the two remaining
    # seats at 0.4 each (hand computation: 2a + 3b = 2 with a = b).
    probs = find_leximin(unequal_pool()).probability_by_id()
    assert probs["p3"] == pytest.approx(1.0, abs=1e-7)
    for pid in ("p1", "p2", "p4", "p5", "p6"):
        assert probs[pid] == pytest.approx(0.4, abs=1e-6)


def test_it_never_puts_two_people_from_one_household_on_a_panel() -> None:
    result = find_leximin(shared_flat())
    a, b = result.groups.group_of_person()[:2]
    assert all(counts[a] + counts[b] <= 1 for counts in result.panel_counts)
    assert result.probability_by_id() == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.5, "d": 0.5}, abs=1e-7)


def test_it_refuses_quotas_that_no_panel_meets() -> None:
    instance = make_instance(
        [("a", {"g": "f"}, None), ("b", {"g": "m"}, None)], [("g", "f", 2, 2), ("g", "m", 0, 2)], 2
    )
    with pytest.raises(InfeasibleQuotasError):
        find_leximin(instance)


def test_it_reports_progress_and_records_what_ran() -> None:
    seen: list[Progress] = []
    result = find_leximin(unequal_pool(), progress=seen.append)
    assert seen and seen[-1].fixed_groups == seen[-1].groups
    assert "leximin" in str(result.run_info["algorithm"])
    assert "HiGHS" in str(result.run_info["solver"])
    versions = result.run_info["versions"]
    assert isinstance(versions, dict) and versions["highs"].startswith("1.")


@pytest.mark.parametrize("name", ["example_small_20", "opendlp_monitoring_100_30"])
def test_it_matches_the_reference_leximin_on_the_small_instances(name: str) -> None:
    instance = load_instance(DATA / name)
    result = find_leximin(instance)
    expected = json.loads((DATA / name / "expected" / f"{name}__leximin.json").read_text(encoding="utf-8"))
    assert result.min_probability >= expected["prob"]["min"] - 0.0005
    ours = np.sort(result.probabilities)
    theirs = np.sort(np.array(list(expected["probabilities"].values())))
    assert np.abs(ours - theirs).max() < 0.002
    assert result.panel_probabilities.sum() == pytest.approx(1.0)
    for counts in result.panel_counts:
        members = [m for g, c in enumerate(counts) for m in result.groups.members[g][: int(c)]]
        assert panel_is_valid(instance, members) == []


def test_dropping_stale_panels_from_the_linear_program_does_not_change_the_probabilities() -> None:
    instance = load_instance(DATA / "opendlp_monitoring_100_30")
    full = find_leximin(instance, column_cap=100_000)
    pruned = find_leximin(instance, column_cap=80)
    assert full.run_info["columns_dropped"] == 0
    assert isinstance(pruned.run_info["columns_dropped"], int) and pruned.run_info["columns_dropped"] > 0
    assert pruned.probabilities == pytest.approx(full.probabilities, abs=1e-6)
    for counts in pruned.panel_counts:
        members = [m for g, c in enumerate(counts) for m in pruned.groups.members[g][: int(c)]]
        assert panel_is_valid(instance, members) == []
