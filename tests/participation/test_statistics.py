"""Participation figures from voter rows (pb.participation.statistics.compute): distinct voters, breakdowns that
add up, turnout, and Finnish time for the hour of voting."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pb.participation.statistics import Breakdown, Key, Participation, Statistics, compute

CENTRE, ISLANDS = 1, 2
CITYWIDE, CENTRE_BUDGET = 10, 11
POPULATIONS = {CENTRE: {"12-17": 100, "18-64": 600, "65+": 300}, ISLANDS: {"12-17": 20, "18-64": 150, "65+": 30}}


def row(voter: str, budget: int, channel: str = "online", district: int | None = CENTRE, band: str | None = "18-64",
        at: datetime = datetime(2026, 5, 4, 9, 15, tzinfo=UTC)) -> Participation:  # fmt: skip
    return Participation(voter, budget, channel, district, band, at)


def figures(rows: list[Participation]) -> Statistics:
    return compute(
        rows,
        budget_ids=[CITYWIDE, CENTRE_BUDGET],
        populations=POPULATIONS,
        age_bands=["12-17", "18-64", "65+"],
        channels=["online", "code", "paper"],
    )


def counts(breakdown: Breakdown) -> dict[Key, int]:
    return {line.key: line.voters for line in breakdown.lines}


def test_a_voter_in_two_budgets_is_one_voter_and_counts_in_each_budget() -> None:
    result = figures([row("a", CITYWIDE), row("a", CENTRE_BUDGET), row("b", CITYWIDE)])
    assert result.voters == 2
    assert counts(result.by_budget) == {CITYWIDE: 2, CENTRE_BUDGET: 1}
    assert counts(result.by_district) == {CENTRE: 2, ISLANDS: 0}


def test_a_person_who_voted_online_and_on_paper_is_one_voter_placed_by_the_first_vote() -> None:
    early = datetime(2026, 5, 3, 8, 0, tzinfo=UTC)
    late = datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    result = figures([row("a", CITYWIDE, "paper", at=late), row("a", CITYWIDE, "online", at=early)])
    assert result.voters == 1
    assert counts(result.by_channel) == {"online": 1, "code": 0, "paper": 0}
    assert counts(result.by_budget)[CITYWIDE] == 1


def test_every_breakdown_but_budgets_adds_up_to_the_number_of_voters() -> None:
    rows = [
        row("a", CITYWIDE),
        row("b", CITYWIDE, "code", district=ISLANDS, band=None),
        row("c", CENTRE_BUDGET, "paper", district=None, band="65+"),
        row("c", CITYWIDE, "paper", district=None, band="65+"),
    ]
    result = figures(rows)
    for breakdown in (result.by_district, result.by_age, result.by_channel, result.by_day, result.by_hour):
        assert sum(line.voters for line in breakdown.lines) == result.voters == 3
    assert counts(result.by_district)[None] == 1
    assert counts(result.by_age)[None] == 1


def test_a_row_without_a_district_does_not_hide_what_another_row_of_the_voter_knows() -> None:
    result = figures([row("a", CITYWIDE, district=None, band=None), row("a", CENTRE_BUDGET, district=ISLANDS)])
    assert counts(result.by_district) == {CENTRE: 0, ISLANDS: 1}
    assert counts(result.by_age) == {"12-17": 0, "18-64": 1, "65+": 0}


def test_turnout_is_voters_over_the_eligible_population_of_the_district_and_the_age_band() -> None:
    rows = [row(f"v{n}", CITYWIDE) for n in range(50)] + [
        row(f"w{n}", CITYWIDE, district=ISLANDS, band="12-17") for n in range(5)
    ]
    result = figures(rows)
    assert result.eligible == 1200
    assert result.turnout == 55 / 1200
    centre = next(line for line in result.by_district.lines if line.key == CENTRE)
    assert (centre.eligible, centre.turnout) == (1000, 0.05)
    young = next(line for line in result.by_age.lines if line.key == "12-17")
    assert (young.eligible, young.turnout) == (120, 5 / 120)


def test_the_hour_and_day_of_voting_are_in_finnish_time() -> None:
    # 21:30 UTC on 4 May is 00:30 on 5 May in Helsinki (summer time, UTC+3).
    result = figures([row("a", CITYWIDE, at=datetime(2026, 5, 4, 21, 30, tzinfo=UTC))])
    assert counts(result.by_hour)[0] == 1 and counts(result.by_hour)[21] == 0
    assert counts(result.by_day) == {date(2026, 5, 5): 1}
    assert [line.key for line in result.by_hour.lines] == list(range(24))
