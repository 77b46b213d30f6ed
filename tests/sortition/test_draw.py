from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pb.sortition.draw import (
    LOTTERY_SIZE,
    Lottery,
    choose_index,
    digests,
    draw,
    round_to_lottery,
)
from pb.sortition.leximin import SelectionResult, find_leximin
from pb.sortition.models import load_instance
from pb.sortition.panels import panel_is_valid
from tests.sortition.pools import shared_flat, unequal_pool

DATA = Path(__file__).resolve().parents[1] / "data" / "sortition"


@pytest.fixture(scope="module")
def monitoring_lottery() -> tuple[SelectionResult, Lottery]:
    instance = load_instance(DATA / "opendlp_monitoring_100_30")
    result = find_leximin(instance)
    return result, round_to_lottery(result)


def test_it_rounds_to_ten_thousand_panels_moving_no_chance_by_a_tenth_of_a_percentage_point(
    monitoring_lottery: tuple[SelectionResult, Lottery],
) -> None:
    result, lottery = monitoring_lottery
    assert len(lottery.panels) == LOTTERY_SIZE
    assert lottery.max_change < 0.001
    exact = result.probability_by_id()
    for pid, p in lottery.probabilities.items():
        assert abs(p - exact[pid]) < 0.001


def test_every_panel_of_the_lottery_meets_the_quotas_and_the_household_rule() -> None:
    for instance in (shared_flat(), unequal_pool()):
        lottery = round_to_lottery(find_leximin(instance))
        for panel in lottery.panels:
            assert panel_is_valid(instance, [instance.index_by_id[pid] for pid in panel]) == []


def test_the_lottery_is_listed_in_canonical_order() -> None:
    lottery = round_to_lottery(find_leximin(unequal_pool()))
    assert list(lottery.panels) == sorted(lottery.panels)
    assert all(list(p) == sorted(p) for p in lottery.panels)


def test_the_same_inputs_and_random_value_give_the_same_panel() -> None:
    instance = load_instance(DATA / "example_small_20")
    first = draw(round_to_lottery(find_leximin(instance)), "2026-11-28 Veikkaus 7 12 19 23 31 34 38")
    second = draw(round_to_lottery(find_leximin(instance)), " 2026-11-28 Veikkaus 7 12 19 23 31 34 38 ")
    assert first == second
    assert len(first.selected) == 20


def test_choose_index_is_a_documented_function_of_the_digest_and_the_value_alone() -> None:
    # Recomputable by hand: SHA-256 of b"pb-sortition-draw-v1\0" + digest + b"\0" + value + b"\0" + b"0".
    import hashlib

    digest = "ab" * 32
    message = b"pb-sortition-draw-v1\x00" + digest.encode() + b"\x00" + b"42\x00" + b"0"
    expected = int.from_bytes(hashlib.sha256(message).digest(), "big") % LOTTERY_SIZE
    assert choose_index(digest, "42") == expected
    assert choose_index(digest, "43") != choose_index(digest, "42")


def test_choose_index_rejects_values_above_the_last_full_multiple_to_avoid_bias() -> None:
    # With size 3 * 2**254 only values below 3 * 2**254 are accepted: a quarter of all hashes are redrawn.
    size = 3 * 2**254
    indices = {choose_index("00" * 32, str(v), size) for v in range(50)}
    assert all(0 <= i < size for i in indices)


def test_a_draw_refuses_an_empty_random_value() -> None:
    lottery = round_to_lottery(find_leximin(unequal_pool()))
    with pytest.raises(ValueError, match="empty"):
        draw(lottery, "   ")


def test_digests_change_when_a_quota_changes_and_not_when_people_are_reordered() -> None:
    instance = unequal_pool()
    reordered = dataclasses.replace(instance, people=tuple(reversed(instance.people)))
    assert digests(reordered) == digests(instance)
    quotas = tuple(dataclasses.replace(q, max=q.max + 1) if q.value == "old" else q for q in instance.quotas)
    changed = digests(dataclasses.replace(instance, quotas=quotas))
    assert changed["quotas_sha256"] != digests(instance)["quotas_sha256"]
    assert changed["pool_sha256"] == digests(instance)["pool_sha256"]
