"""Replacing panel members who drop out, keeping every quota with the remaining members fixed.

The replacements are chosen from the reserve (or the rest of the pool) by an integer program over the
eligible people: every quota and the household rule must hold for the completed panel, and among the
completions that do, the one with the largest total seeded priority wins. Each person's priority is read
from SHA-256 of the seed and their id, so the choice is reproducible on any machine and unbiased between
people; with an ordered reserve list, earlier reserves win instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from pb.sortition.models import Instance
from pb.sortition.panels import SolverError, new_highs

REPLACEMENT_DOMAIN = b"pb-sortition-replacement-v1"


class NoReplacementError(ValueError):
    """No choice of eligible people completes the panel within the quotas; the message says why."""


@dataclass(frozen=True)
class Replacement:
    panel: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    seed: str


def priority(seed: str, person_id: str) -> float:
    """A number in [0, 1) from SHA-256(domain, seed, id): the person's place in a seeded random order."""
    digest = hashlib.sha256(b"\x00".join([REPLACEMENT_DOMAIN, seed.encode(), person_id.encode()])).digest()
    return int.from_bytes(digest[:7], "big") / float(1 << 56)


def replace_members(
    instance: Instance,
    panel: Sequence[str],
    dropped: Sequence[str],
    seed: str,
    *,
    reserve: Sequence[str] | None = None,
    unavailable: Sequence[str] = (),
) -> Replacement:
    """Replace `dropped` members of `panel`.

    `reserve`: an ordered reserve list to draw from (earlier first); by default everyone in the pool not
    on the panel. `unavailable`: people who cannot be asked (declined earlier, dropped out before).
    """
    index = instance.index_by_id
    unknown = [pid for pid in [*panel, *dropped, *(reserve or ())] if pid not in index]
    if unknown:
        raise NoReplacementError(f"unknown ids: {', '.join(unknown[:5])}")
    missing = [pid for pid in dropped if pid not in panel]
    if missing:
        raise NoReplacementError(f"not on the panel: {', '.join(missing)}")
    staying = [pid for pid in panel if pid not in set(dropped)]
    excluded = set(panel) | set(unavailable)
    taken_households = {
        instance.people[index[pid]].household for pid in staying if instance.people[index[pid]].household is not None
    }
    pool = list(reserve) if reserve is not None else sorted(p.id for p in instance.people)
    eligible = [
        pid
        for pid in pool
        if pid not in excluded
        and not (instance.household_rule and instance.people[index[pid]].household in taken_households)
    ]
    need = len(dropped)
    if need == 0:
        return Replacement(tuple(panel), (), (), seed)
    if len(eligible) < need:
        raise NoReplacementError(f"only {len(eligible)} eligible people left for {need} places")
    if reserve is not None:
        # Earlier reserves first: for one place the earliest reserve who keeps the quotas wins; for
        # several, strictly decreasing (convex) rank weights favour the earliest ones and keep the optimum unique.
        weights = np.array([float(len(eligible) - r) for r in range(len(eligible))]) ** 2
    else:
        weights = np.array([priority(seed, pid) for pid in eligible])
    h = new_highs()
    n = len(eligible)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), weights)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addRow(float(need), float(need), n, np.arange(n, dtype=np.int32), np.ones(n))
    for q in instance.quotas:
        have = sum(1 for pid in staying if instance.people[index[pid]].features[q.category] == q.value)
        cols = [j for j, pid in enumerate(eligible) if instance.people[index[pid]].features[q.category] == q.value]
        h.addRow(
            float(q.min - have), float(q.max - have), len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols))
        )
    if instance.household_rule:
        by_household: dict[str, list[int]] = {}
        for j, pid in enumerate(eligible):
            key = instance.people[index[pid]].household
            if key is not None:
                by_household.setdefault(key, []).append(j)
        for cols in by_household.values():
            if len(cols) > 1:
                h.addRow(0.0, 1.0, len(cols), np.array(cols, dtype=np.int32), np.ones(len(cols)))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        needs = []
        for q in instance.quotas:
            have = sum(1 for pid in staying if instance.people[index[pid]].features[q.category] == q.value)
            if have < q.min:
                needs.append(f"{q.min - have} more with {q.category}={q.value}")
        detail = "; ".join(needs) or "the quotas and the household rule"
        raise NoReplacementError(f"no eligible people complete the panel within the quotas (needs {detail})")
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS replacement search ended with {h.modelStatusToString(status)}")
    x = np.asarray(h.getSolution().col_value)
    added = tuple(eligible[j] for j in np.flatnonzero(x > 0.5))
    return Replacement(tuple(sorted([*staying, *added])), added, tuple(dropped), seed)
