"""Conformance against `sortition-algorithms` 0.12.15 on every instance in ../shared/sortition.

For each instance: pb's minimum probability is at least the library's LEXIMIN minimum less 0.0005 (its
maximin where its LEXIMIN did not finish); where the library has a LEXIMIN result, the sorted probability
profiles are close; every panel of the distribution and of the rounded 10,000-panel lottery meets every
quota and the household rule. No wall-clock times are asserted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pb.sortition.draw import round_to_lottery
from pb.sortition.leximin import find_leximin
from pb.sortition.models import load_instance
from pb.sortition.panels import panel_is_valid

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "sortition"
INSTANCES = sorted(p.name for p in SHARED.iterdir() if (p / "instance.json").is_file()) if SHARED.is_dir() else []

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared sortition instances not found at {SHARED}"),
]


def reference(name: str) -> tuple[str, dict[str, Any]] | None:
    for algorithm in ("leximin", "maximin"):
        path = SHARED / "expected" / f"{name}__{algorithm}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("status") == "ok":
                return algorithm, data
    return None


@pytest.mark.parametrize("name", INSTANCES or ["(none)"])
def test_pb_leximin_is_at_least_as_fair_as_the_library_and_every_panel_is_valid(name: str) -> None:
    instance = load_instance(SHARED / name)
    result = find_leximin(instance)
    ref = reference(name)
    if ref is not None:
        algorithm, data = ref
        assert result.min_probability >= data["prob"]["min"] - 0.0005, (algorithm, data["prob"]["min"])
        if algorithm == "leximin":
            ours = np.sort(result.probabilities)
            theirs = np.sort(np.array([data["probabilities"][p.id] for p in instance.people]))
            assert np.abs(ours - theirs).max() < 0.01
            assert np.abs(ours - theirs).mean() < 0.001
    assert result.panel_probabilities.sum() == pytest.approx(1.0)
    assert result.probabilities.sum() == pytest.approx(instance.panel_size)
    for counts in result.panel_counts:
        members = [m for g, c in enumerate(counts) for m in result.groups.members[g][: int(c)]]
        assert panel_is_valid(instance, members) == []
    lottery = round_to_lottery(result)
    assert lottery.max_change < 0.001
    seen: set[tuple[str, ...]] = set()
    for panel in lottery.panels:
        if panel in seen:
            continue
        seen.add(panel)
        assert panel_is_valid(instance, [instance.index_by_id[pid] for pid in panel]) == []
