"""The invitation lottery (pb.panels.lottery): reproducible from the published seed, by its documented method."""

from __future__ import annotations

import hashlib
from collections import Counter

from pb.panels import lottery

ADDRESSES = [f"A{number:04d}" for number in range(1, 201)]


def test_the_same_seed_and_register_draw_the_same_addresses_in_the_same_order() -> None:
    first = lottery.draw("2026-03-01 noppa 4 2 6 1", ADDRESSES, 30)
    again = lottery.draw("2026-03-01 noppa 4 2 6 1", list(reversed(ADDRESSES)), 30)
    assert first == again
    assert len(set(first)) == 30


def test_another_seed_draws_other_addresses() -> None:
    assert lottery.draw("seed one", ADDRESSES, 30) != lottery.draw("seed two", ADDRESSES, 30)


def test_the_draw_follows_the_published_recipe_with_nothing_but_sha256() -> None:
    # What a resident would write to check the published lottery, independently of pb's code.
    seed = "beacon 8f1c"
    keyed = sorted(ADDRESSES, key=lambda key: hashlib.sha256(f"{seed}\x1f{key}".encode()).hexdigest())
    assert lottery.draw(seed, ADDRESSES, 12) == keyed[:12]
    assert lottery.list_digest(keyed[:12]) == hashlib.sha256("\n".join(keyed[:12]).encode()).hexdigest()


def test_the_register_digest_does_not_depend_on_the_order_of_the_file() -> None:
    assert lottery.register_digest(ADDRESSES) == lottery.register_digest(reversed(ADDRESSES))
    assert lottery.register_digest(ADDRESSES) != lottery.register_digest(ADDRESSES[:-1])


def test_every_address_has_about_the_same_chance_of_an_invitation() -> None:
    # 4,000 lotteries of 1 among 4 addresses: each should win about 1,000 times (binomial sd ≈ 27).
    wins = Counter(lottery.draw(f"seed {number}", ["a", "b", "c", "d"], 1)[0] for number in range(4_000))
    assert all(850 < count < 1_150 for count in wins.values()), wins


def test_asking_for_more_addresses_than_the_register_holds_invites_everyone() -> None:
    assert sorted(lottery.draw("x", ADDRESSES[:5], 10)) == ADDRESSES[:5]
