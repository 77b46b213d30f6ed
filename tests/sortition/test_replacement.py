from __future__ import annotations

import pytest

from pb.sortition.models import Instance
from pb.sortition.panels import panel_is_valid
from pb.sortition.replacement import NoReplacementError, priority, replace_members
from tests.sortition.pools import make_instance


def pool() -> Instance:
    people = [
        ("f1", {"gender": "f", "lang": "fi"}, "Katu 1"),
        ("f2", {"gender": "f", "lang": "sv"}, "Katu 2"),
        ("f3", {"gender": "f", "lang": "fi"}, "Katu 3"),
        ("f4", {"gender": "f", "lang": "fi"}, "Katu 4"),
        ("f5", {"gender": "f", "lang": "sv"}, "katu 5"),
        ("m1", {"gender": "m", "lang": "fi"}, "Katu 5"),
        ("m2", {"gender": "m", "lang": "fi"}, "Katu 6"),
        ("m3", {"gender": "m", "lang": "sv"}, "Katu 7"),
        ("m4", {"gender": "m", "lang": "fi"}, "Katu 8"),
    ]
    quotas = [("gender", "f", 2, 2), ("gender", "m", 2, 2), ("lang", "fi", 2, 3), ("lang", "sv", 1, 2)]
    return make_instance(people, quotas, 4)


def test_it_replaces_a_dropout_with_someone_who_keeps_every_quota() -> None:
    instance = pool()
    # f2 (a Swedish-speaking woman) drops out; m3 still covers Swedish, so any woman fits.
    result = replace_members(instance, ["f2", "f1", "m3", "m2"], ["f2"], seed="s1")
    assert result.added[0] in {"f3", "f4", "f5"}
    assert result.removed == ("f2",)
    assert panel_is_valid(instance, [instance.index_by_id[p] for p in result.panel]) == []


def test_it_never_picks_someone_from_a_household_already_on_the_panel() -> None:
    instance = pool()
    # Without f2 the panel needs a Swedish-speaking woman; the only one left, f5, lives with m1
    # (same address up to case).
    with pytest.raises(NoReplacementError, match="1 more with lang=sv"):
        replace_members(instance, ["f2", "f1", "m1", "m2"], ["f2"], seed="s1")


def test_the_same_seed_gives_the_same_replacement_and_the_choice_is_seeded() -> None:
    instance = pool()
    panel = ["f2", "f1", "m3", "m2"]
    first = replace_members(instance, panel, ["f1"], seed="abc")
    assert first == replace_members(instance, panel, ["f1"], seed="abc")
    chosen = {replace_members(instance, panel, ["f1"], seed=str(s)).added for s in range(20)}
    assert chosen == {("f3",), ("f4",)}


def test_it_takes_the_earliest_suitable_person_on_an_ordered_reserve_list() -> None:
    instance = pool()
    result = replace_members(instance, ["f2", "f1", "m3", "m2"], ["m2"], seed="x", reserve=["f3", "m4", "m1"])
    assert result.added == ("m4",)


def test_priorities_are_a_documented_hash_of_seed_and_id() -> None:
    assert priority("seed", "p1") == priority("seed", "p1")
    assert priority("seed", "p1") != priority("seed", "p2")
    assert 0.0 <= priority("seed", "p1") < 1.0
