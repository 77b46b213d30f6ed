"""A verifiable draw: freeze the inputs, round the distribution to equally likely panels, pick one publicly.

Flanigan, Kehne, Procaccia, "Fair sortition made transparent" (NeurIPS 2021): a lottery over m equally
likely panels can be published in advance and drawn with a public random number, so anyone can check
the draw; rounding the optimal distribution to multiples of 1/m changes each person's chance only a little.

The protocol:
1. `instance_digest`: SHA-256 of the canonical JSON of the pool (ids, category values, normalised
   household keys), the quotas, the panel size and the household rule.
2. `round_to_lottery`: 10,000 panels whose frequencies approximate the LEXIMIN distribution. The integer
   program chooses which panels round up so that each group's expected count moves as little as possible;
   people inside a group of interchangeable people are then assigned round-robin, so they differ by at
   most one panel. The list is sorted canonically and its SHA-256 (`lottery_digest`) is published.
3. After publication, a public random value (e.g. a lottery result or a beacon output) is entered.
   `choose_index` maps it to a panel: SHA-256 over the domain tag, the lottery digest, the value and a
   counter, read as a 256-bit big-endian integer, accepted only below the largest multiple of m (rejection
   sampling, so every index is exactly equally likely) and reduced mod m.
Given the published list, steps 2–3 depend on nothing but SHA-256, so the same inputs and random value
give the same panel on any machine.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from pb.sortition.leximin import SelectionResult
from pb.sortition.models import Instance
from pb.sortition.panels import FloatArray, IntArray, new_highs

LOTTERY_SIZE = 10_000
DRAW_DOMAIN = b"pb-sortition-draw-v1"


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pool_document(instance: Instance) -> list[dict[str, Any]]:
    people = sorted(instance.people, key=lambda p: p.id)
    return [
        {"id": p.id, "features": {c: p.features[c] for c in instance.categories}, "household": p.household}
        for p in people
    ]


def quotas_document(instance: Instance) -> list[dict[str, Any]]:
    rows = sorted(instance.quotas, key=lambda q: (q.category, q.value))
    return [{"category": q.category, "value": q.value, "min": q.min, "max": q.max} for q in rows]


def digests(instance: Instance) -> dict[str, str]:
    pool = pool_document(instance)
    quotas = quotas_document(instance)
    frozen = {
        "pool": pool,
        "quotas": quotas,
        "panel_size": instance.panel_size,
        "household_rule": instance.household_rule,
    }
    return {
        "pool_sha256": sha256_hex(canonical_json(pool)),
        "quotas_sha256": sha256_hex(canonical_json(quotas)),
        "instance_sha256": sha256_hex(canonical_json(frozen)),
    }


@dataclass(frozen=True)
class Lottery:
    # Canonically ordered: each panel is a sorted tuple of person ids, and the list is sorted.
    panels: tuple[tuple[str, ...], ...]
    probabilities: dict[str, float]
    # Largest change of any person's chance against the LEXIMIN distribution (absolute, not in %).
    max_change: float
    rounding_method: str

    @property
    def digest(self) -> str:
        return sha256_hex(canonical_json([list(p) for p in self.panels]))


def _round_multiplicities(
    counts: IntArray, lam: FloatArray, sizes: IntArray, m: int, time_limit: float
) -> tuple[IntArray, str]:
    """Integer panel multiplicities summing to m whose group counts stay close to the targets."""
    target = m * lam
    base = np.floor(target + 1e-9).astype(np.int64)
    need = m - int(base.sum())
    frac = target - base
    cand = np.flatnonzero(frac > 1e-9)
    if need <= 0 or len(cand) == 0:
        return base, "exact"
    group_target = target @ counts
    base_counts = base @ counts
    k = len(cand)
    h = new_highs()
    h.setOptionValue("time_limit", time_limit)
    # Good enough: every group within one panel in 10,000 per member of its target (0.01 percentage points).
    h.setOptionValue("mip_abs_gap", 1.0)
    # Columns: b_P (round panel P up?) for the candidates, then D (largest per-person deviation).
    h.addVars(k + 1, np.zeros(k + 1), np.concatenate([np.ones(k), [highspy.kHighsInf]]))
    h.changeColsIntegrality(k, np.arange(k, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * k))
    cost = np.zeros(k + 1)
    cost[k] = 1.0
    h.changeColsCost(k + 1, np.arange(k + 1, dtype=np.int32), cost)
    idx_all = np.arange(k, dtype=np.int32)
    h.addRow(float(need), float(need), k, idx_all, np.ones(k))
    inf = highspy.kHighsInf
    for g in range(counts.shape[1]):
        col = counts[cand, g].astype(np.float64) / sizes[g]
        nz = np.flatnonzero(col)
        rhs = (group_target[g] - base_counts[g]) / sizes[g]
        idx = np.append(nz, k).astype(np.int32)
        # |sum_P b_P c_Pg / n_g - rhs| <= D
        h.addRow(-inf, rhs, len(idx), idx, np.append(col[nz], -1.0))
        h.addRow(rhs, inf, len(idx), idx, np.append(col[nz], 1.0))
    h.run()
    sol = h.getSolution()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal or (sol.value_valid and len(sol.col_value) == k + 1):
        up = np.rint(np.asarray(sol.col_value[:k])).astype(np.int64)
        if int(up.sum()) == need:
            out = base.copy()
            out[cand] += up
            method = "integer program (HiGHS)" + ("" if status == highspy.HighsModelStatus.kOptimal else ", time limit")
            return out, method
    # Largest remainders: recorded as such, never silently.
    order = np.argsort(-frac, kind="stable")[:need]
    out = base.copy()
    out[order] += 1
    return out, "largest remainder (integer program found no rounding in time)"


def round_to_lottery(result: SelectionResult, size: int = LOTTERY_SIZE, time_limit: float = 10.0) -> Lottery:
    instance, groups = result.instance, result.groups
    multiplicity, method = _round_multiplicities(
        result.panel_counts, result.panel_probabilities, groups.sizes, size, time_limit
    )
    # Deterministic order of the group-level panels before assigning people: by count vector.
    rows = [tuple(int(x) for x in c) for c in result.panel_counts]
    order = sorted(range(len(rows)), key=lambda r: rows[r])
    members_by_id = [sorted(m, key=lambda i: instance.people[i].id) for m in groups.members]
    pointer = [0] * groups.count
    panels: list[tuple[str, ...]] = []
    for r in order:
        for _ in range(int(multiplicity[r])):
            chosen: list[str] = []
            for g in np.flatnonzero(result.panel_counts[r]):
                members = members_by_id[g]
                for _ in range(int(result.panel_counts[r][g])):
                    chosen.append(instance.people[members[pointer[g] % len(members)]].id)
                    pointer[g] += 1
            panels.append(tuple(sorted(chosen)))
    panels.sort()
    appearances: dict[str, int] = {p.id: 0 for p in instance.people}
    for panel in panels:
        for pid in panel:
            appearances[pid] += 1
    probabilities = {pid: n / size for pid, n in appearances.items()}
    exact = result.probability_by_id()
    max_change = max(abs(probabilities[pid] - exact[pid]) for pid in exact)
    return Lottery(tuple(panels), probabilities, max_change, method)


def normalise_random_value(value: str) -> str:
    """The public value as typed: Unicode NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", value).strip()


def choose_index(lottery_digest: str, random_value: str, size: int = LOTTERY_SIZE) -> int:
    limit = (1 << 256) - ((1 << 256) % size)
    value = normalise_random_value(random_value).encode("utf-8")
    counter = 0
    while True:
        message = b"\x00".join([DRAW_DOMAIN, lottery_digest.encode("ascii"), value, str(counter).encode("ascii")])
        x = int.from_bytes(hashlib.sha256(message).digest(), "big")
        if x < limit:
            return x % size
        counter += 1


@dataclass(frozen=True)
class Draw:
    index: int
    selected: tuple[str, ...]
    random_value: str
    lottery_digest: str


def draw(lottery: Lottery, random_value: str) -> Draw:
    if not normalise_random_value(random_value):
        raise ValueError("the public random value is empty")
    index = choose_index(lottery.digest, random_value, len(lottery.panels))
    return Draw(index, lottery.panels[index], normalise_random_value(random_value), lottery.digest)
