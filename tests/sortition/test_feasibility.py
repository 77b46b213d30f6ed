from __future__ import annotations

from pb.sortition.feasibility import (
    ConflictingBound,
    check,
    conflicting_bounds,
    forced_probabilities,
    smallest_relaxation,
)
from tests.sortition.pools import make_instance, two_women_one_man, unequal_pool


def test_it_reports_a_category_whose_minimums_exceed_the_panel_and_the_smallest_fix() -> None:
    instance = make_instance(
        [(str(i), {"gender": "f" if i < 5 else "m"}, None) for i in range(10)],
        [("gender", "f", 3, 4), ("gender", "m", 2, 5)],
        4,
    )
    report = check(instance)
    assert not report.feasible
    assert "gender: the minimums add up to 5, more than the panel size 4" in report.conflicts
    assert len(report.relaxations) == 1
    fix = report.relaxations[0]
    assert fix.new_min == fix.min - 1
    assert "lower the minimum" in fix.describe()


def test_it_reports_a_minimum_the_pool_cannot_fill_counting_households_once() -> None:
    instance = make_instance(
        [
            ("a", {"lang": "sv"}, "Strandvägen 1"),
            ("b", {"lang": "sv"}, "strandvägen 1"),
            ("c", {"lang": "fi"}, None),
            ("d", {"lang": "fi"}, None),
        ],
        [("lang", "sv", 2, 2), ("lang", "fi", 0, 2)],
        3,
    )
    report = check(instance)
    assert not report.feasible
    assert any("lang=sv: needs at least 2 but the pool can give only 1" in c for c in report.conflicts)
    assert [(r.value, r.new_min) for r in report.relaxations] == [("sv", 1)]


def test_it_finds_the_smallest_relaxation_when_two_categories_conflict() -> None:
    # Every woman is young and every man old, but the quotas want 2 women and 2 old people in a panel of 3.
    people = [(f"w{i}", {"gender": "f", "age": "young"}, None) for i in range(3)]
    people += [(f"m{i}", {"gender": "m", "age": "old"}, None) for i in range(3)]
    instance = make_instance(
        people,
        [("gender", "f", 2, 3), ("gender", "m", 0, 3), ("age", "young", 0, 3), ("age", "old", 2, 3)],
        3,
    )
    assert not check(instance).feasible
    relaxations = smallest_relaxation(instance)
    assert relaxations is not None
    assert sum((r.min - r.new_min) + (r.new_max - r.max) for r in relaxations) == 1


def test_it_names_the_quotas_that_conflict_when_no_single_count_proves_it() -> None:
    # As above, with a third category that plays no part: only the two minimums clash.
    people = [(f"w{i}", {"gender": "f", "age": "young", "area": "n" if i % 2 else "s"}, None) for i in range(3)]
    people += [(f"m{i}", {"gender": "m", "age": "old", "area": "n" if i % 2 else "s"}, None) for i in range(3)]
    instance = make_instance(
        people,
        [
            ("gender", "f", 2, 3),
            ("gender", "m", 0, 3),
            ("age", "young", 0, 3),
            ("age", "old", 2, 3),
            ("area", "n", 1, 2),
            ("area", "s", 1, 2),
        ],
        3,
    )

    report = check(instance)

    assert report.conflicting == [
        ConflictingBound("gender", "f", "min", 2),
        ConflictingBound("age", "old", "min", 2),
    ]
    assert "these quotas cannot all hold together: gender=f at least 2, age=old at least 2" in report.conflicts


def test_every_bound_it_names_is_needed_for_the_conflict() -> None:
    # Three minimums of one category add up to more than the panel: any two of them fit, all three do not.
    instance = make_instance(
        [(str(i), {"lang": ("fi", "sv", "en")[i % 3]}, None) for i in range(9)],
        [("lang", "fi", 2, 3), ("lang", "sv", 2, 3), ("lang", "en", 1, 3)],
        4,
    )

    conflicting = conflicting_bounds(instance)

    assert {(bound.value, bound.side) for bound in conflicting} == {("fi", "min"), ("sv", "min"), ("en", "min")}


def test_it_blames_no_quota_when_the_households_rule_every_panel_out() -> None:
    instance = make_instance(
        [("a", {"g": "f"}, "Katu 1"), ("b", {"g": "m"}, "KATU 1"), ("c", {"g": "f"}, None)],
        [("g", "f", 0, 3), ("g", "m", 0, 3)],
        3,
    )
    report = check(instance)
    assert not report.feasible and report.conflicting == [] and report.relaxations == []


def test_it_says_feasible_quotas_are_feasible() -> None:
    assert check(unequal_pool()).feasible


def test_it_warns_about_a_person_the_quotas_force_onto_every_panel() -> None:
    forced = forced_probabilities(two_women_one_man())
    assert [(f.person_ids, f.low) for f in forced] == [(("c",), 1.0)]
    assert "need almost all of them" in forced[0].reason


def test_it_warns_about_people_the_quotas_keep_off_every_panel() -> None:
    instance = make_instance(
        [("a", {"age": "0-15"}, None), ("b", {"age": "adult"}, None), ("c", {"age": "adult"}, None)],
        [("age", "0-15", 0, 0), ("age", "adult", 0, 2)],
        2,
    )
    forced = forced_probabilities(instance)
    assert [(f.person_ids, f.high) for f in forced if f.high <= 0.01] == [(("a",), 0.0)]
