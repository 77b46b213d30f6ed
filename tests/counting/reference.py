"""Reading the Pabulib reference outcomes (`expected/<stem>.<rule>.json`) and comparing pb's outcomes to them."""

from __future__ import annotations

import json
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from pb.counting.election import Election
from pb.counting.mes import Prepared, prepare
from pb.counting.pabulib import read_pabulib
from pb.counting.rules import RULES, count

# The reference outcomes for these were computed in float64 without an exact re-check (about 10^5 completion
# steps, /work/shared/pabulib/README.md "Reference outcomes to treat with care"); pb computes them exactly,
# so a difference there may be pb being right.
FLOAT_ONLY = {
    ("Hungary_Budapest_2024", rule)
    for rule in ("mes_add1", "mes_add1_greedy", "mes_add1_es", "mes_add1u_es", "mes_add1_checker")
} | {
    ("Hungary_Budapest_2025_VIII_Jozsefvaros", rule)
    for rule in ("mes_add1", "mes_add1_greedy", "mes_add1_es", "mes_add1u_es", "mes_add1_checker")
}

# maxwelfare (pabutools' knapsack) has a reference outcome but is not one of pb's rules, and its ties between
# optimal sets are not controlled, so there is nothing exact to compare.
NOT_PB_RULES = {"maxwelfare"}


def cases(folder: Path) -> list[tuple[str, str]]:
    """(file stem, rule) for every reference outcome in `folder / "expected"`."""
    found = []
    for path in sorted((folder / "expected").glob("*.json")):
        stem, rule = path.name.removesuffix(".json").rsplit(".", 1)
        if (folder / f"{stem}.pb").exists():
            found.append((stem, rule))
    return found


def expected(folder: Path, stem: str, rule: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "expected" / f"{stem}.{rule}.json").read_text())
    return data


@cache
def election(path: Path) -> tuple[Election, Prepared]:
    built = Election.from_pabulib(read_pabulib(path))
    return built, prepare(built)


def check(folder: Path, stem: str, rule: str) -> None:
    """pb's outcome of `rule` with the reference's tie order selects exactly the reference's projects."""
    reference = expected(folder, stem, rule)
    built, prepared = election(folder / f"{stem}.pb")
    outcome = count(rule, built, RULES[rule].reference_ties, prepared)
    assert sorted(outcome.selected) == reference["selected_sorted"], (
        f"{stem} {rule}: pb selects {list(outcome.selected)}, the reference {reference['selected']}"
    )
    assert outcome.total_cost <= built.budget
    if "final_per_voter_budget" in reference and "float64" not in str(reference.get("add1_method")):
        endowment = str(outcome.endowment)
        if rule == "mes_add1_checker" and outcome.endowment == Fraction(built.budget) / built.n_voters:
            # The checker's first run is at exactly budget/voters; the reference then reports the integer
            # endowment floor(budget/voters) it would have continued from, pb the one the run really used.
            endowment = str(int(outcome.endowment or 0))
        assert endowment == reference["final_per_voter_budget"]
