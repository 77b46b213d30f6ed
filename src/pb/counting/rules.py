"""The rule variants by name, as the CLI, the tests and the benchmark call them.

Names on the left of RULES are the names of the Pabulib reference outcomes (/work/shared/pabulib/expected);
CLI_NAMES maps the `pb tally --rule` names onto them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pb.counting import mes as mes_rules
from pb.counting.election import Election, Outcome
from pb.counting.greedy import greedy
from pb.counting.phragmen import phragmen
from pb.counting.ties import TieOrder

Progress = mes_rules.Progress


@dataclass(frozen=True)
class Rule:
    name: str
    # The tie order the rule's reference outcomes use; pb's own default is "default".
    reference_ties: TieOrder
    count: Callable[[Election, TieOrder, mes_rules.Prepared | None, Progress | None], Outcome]
    summary: str


RULES: dict[str, Rule] = {
    "greedy": Rule(
        "greedy",
        "pabutools",
        lambda e, t, p, g: greedy(e, ties=t, variant="skip", rule="greedy"),
        "greedy by votes, skipping what does not fit",
    ),
    "greedy-no-skip": Rule(
        "greedy-no-skip",
        "file",
        lambda e, t, p, g: greedy(e, ties=t, variant="no-skip", rule="greedy-no-skip"),
        "greedy by votes, stopping at the first project that does not fit",
    ),
    "greedy-threshold": Rule(
        "greedy-threshold",
        "file",
        lambda e, t, p, g: greedy(e, ties=t, variant="threshold", rule="greedy-threshold"),
        "greedy by votes among projects reaching the score threshold",
    ),
    "mes": Rule(
        "mes",
        "pabutools",
        lambda e, t, p, g: mes_rules.mes(e, ties=t, prepared=p),
        "Method of Equal Shares, no completion",
    ),
    "mes_add1": Rule(
        "mes_add1",
        "pabutools",
        lambda e, t, p, g: mes_rules.mes_add1(e, ties=t, prepared=p, progress=g),
        "MES + add1 as pabutools computes it",
    ),
    "mes_add1_greedy": Rule(
        "mes_add1_greedy",
        "pabutools",
        lambda e, t, p, g: mes_rules.mes_add1_greedy(e, ties=t, prepared=p, progress=g),
        "MES + add1 (pabutools), then greedy",
    ),
    "mes_add1_es": Rule(
        "mes_add1_es",
        "default",
        lambda e, t, p, g: mes_rules.mes_add1_es(e, ties=t, prepared=p, progress=g),
        "MES + add1 as equalshares.net computes it (pb default)",
    ),
    "mes_add1u_es": Rule(
        "mes_add1u_es",
        "default",
        lambda e, t, p, g: mes_rules.mes_add1u_es(e, ties=t, prepared=p, progress=g),
        "MES + add1 (equalshares.net), then utilitarian fill",
    ),
    "mes_add1_checker": Rule(
        "mes_add1_checker",
        "default",
        lambda e, t, p, g: mes_rules.mes_add1_checker(e, ties=t, prepared=p, progress=g),
        "MES + add1 as the Pabulib checker verifies it",
    ),
    "phragmen": Rule(
        "phragmen",
        "pabutools",
        lambda e, t, p, g: phragmen(e, ties=t),
        "sequential Phragmén (approval), stopping at the first project that does not fit",
    ),
}

CLI_NAMES: dict[str, str] = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "mes": "mes_add1_es",
    "mes-fill": "mes_add1u_es",
    "mes-uncompleted": "mes",
    "mes-pabutools": "mes_add1",
    "mes-checker": "mes_add1_checker",
    "phragmen": "phragmen",
}


def count(
    name: str,
    election: Election,
    ties: TieOrder | None = None,
    prepared: mes_rules.Prepared | None = None,
    progress: Progress | None = None,
) -> Outcome:
    rule = RULES[name]
    return rule.count(election, ties or rule.reference_ties, prepared, progress)
