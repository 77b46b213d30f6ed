"""The public tables' small-cell suppression (pb.participation.statistics.protect): counts under 5 read "<5",
and no small count can be narrowed down from the total and the cells that are shown."""

from __future__ import annotations

import random

from pb.participation.statistics import Cell, Shown, protect


def shown(cells: list[Cell] | None) -> list[str]:
    assert cells is not None
    return [str(cell.value) if cell.shown == Shown.YES else cell.shown.value for cell in cells]


def possible_values(cells: list[Cell], total: int, index: int) -> set[int]:
    """What a reader who knows the total, the shown cells and the rule can say about cell `index`: every value
    it can take in some table that is consistent with what is published (small cells 0-4, hidden ones at least
    5 and, being hidden smallest first, at most the smallest shown cell)."""
    published = [cell.value for cell in cells if cell.shown == Shown.YES]
    ceiling = min([*published, total - sum(published)])
    ranges = {
        i: range(0, 5) if cell.shown == Shown.SMALL else range(5, ceiling + 1)
        for i, cell in enumerate(cells)
        if cell.shown != Shown.YES
    }
    withheld = total - sum(published)
    others = [r for i, r in ranges.items() if i != index]
    # The other withheld cells can add up to any whole number between their smallest and largest sums.
    low, high = sum(r.start for r in others), sum(r.stop - 1 for r in others)
    return {value for value in ranges[index] if low <= withheld - value <= high}


def test_a_table_without_small_counts_is_shown_whole() -> None:
    assert shown(protect([12, 30, 7], 49)) == ["12", "30", "7"]


def test_a_count_under_five_reads_small_and_a_zero_too() -> None:
    cells = protect([3, 0, 40, 41], 84)
    assert cells is not None
    assert [cells[0].shown, cells[1].shown] == [Shown.SMALL, Shown.SMALL]


def test_one_small_count_hides_the_smallest_other_so_the_total_does_not_give_it_away() -> None:
    # Showing 20 and 30 with the total 53 would say the small one is 3.
    assert shown(protect([3, 20, 30], 53)) == ["small", "hidden", "30"]


def test_two_small_counts_that_would_add_up_to_eight_are_protected_too() -> None:
    # 4 + 4 = 38 - 30: both would be exactly 4, so a further cell is hidden.
    cells = protect([4, 4, 30], 38)
    assert cells is not None and shown(cells) == ["small", "small", "hidden"]


def test_hiding_continues_while_a_tie_with_the_smallest_shown_cell_narrows_a_small_count() -> None:
    # Hiding one 7 would leave the reader with small = 10 - hidden, hidden in 5..7: small in 3..4.
    assert shown(protect([3, 7, 7, 20], 37)) == ["small", "hidden", "hidden", "20"]


def test_a_table_that_cannot_be_protected_is_not_published() -> None:
    # Total 5 of which 5 in one line: hiding both still says the other line is 0.
    assert protect([0, 5], 5) is None


def test_a_total_under_five_publishes_no_breakdown() -> None:
    assert protect([1, 2], 3) is None


def test_every_small_count_keeps_all_values_from_zero_to_four_possible() -> None:
    for counts in ([3, 20, 30], [4, 4, 30], [3, 7, 7, 20], [0, 0, 6, 7, 8, 9], [1, 5, 5, 5, 60], [4, 9, 12]):
        total = sum(counts)
        cells = protect(counts, total)
        assert cells is not None, counts
        for index, cell in enumerate(cells):
            if cell.shown == Shown.SMALL:
                assert possible_values(cells, total, index) == {0, 1, 2, 3, 4}, (counts, shown(cells))


def test_counts_that_do_not_add_up_to_the_total_are_protected_from_below() -> None:
    # Budgets: every voter voted in at least one budget. With 30 voters all in the city-wide budget, the
    # district budget's 3 stays anywhere in 0-4.
    assert shown(protect([30, 3], 30, adds_up=False)) == ["30", "small"]
    # With 40 voters and 38 of them in the city-wide budget, the district budget had at least 2: hidden more.
    assert shown(protect([38, 3], 40, adds_up=False)) == ["hidden", "small"]


def test_the_check_above_catches_a_table_that_suppresses_only_the_small_count() -> None:
    naive = [Cell(3, Shown.SMALL), Cell(20), Cell(30)]
    assert possible_values(naive, 53, 0) == {3}


def test_random_tables_never_let_a_small_count_be_narrowed_down() -> None:
    generator = random.Random(4)
    for _ in range(2000):
        counts = [generator.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 15, 40]) for _ in range(generator.randint(2, 8))]
        total = sum(counts)
        cells = protect(counts, total)
        if cells is None:
            continue
        for index, cell in enumerate(cells):
            if cell.shown == Shown.SMALL:
                assert possible_values(cells, total, index) == {0, 1, 2, 3, 4}, (counts, shown(cells))
