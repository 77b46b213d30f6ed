"""How robust an outcome is: count many bootstrap resamples of the ballots and see how often each project wins.

The bootstrap (Efron 1979; Efron & Tibshirani, "An Introduction to the Bootstrap", 1993) asks what would have
happened had a somewhat different group of people voted: each resample draws as many voters as voted, at random
and with replacement, from the voters who did, and is counted with the same rule, ties and lot. A project that
wins in (nearly) every resample would have won with most electorates like this one; one that wins in half of
them was a close call. It is a robustness view, not a probability that the published outcome is "right".

Pure functions over pb.counting's `Election` (no web, no database), so the figures can be recomputed from the
published ballots file alone. The draw, fixed here so that anyone can repeat it (`RESAMPLING_PROCEDURE`):

- The voters are numbered 0 .. n-1 in the order of the election's merged ballots (`Election.ballots`, first
  appearance in the file), each ballot's `weight` voters in a row.
- Resample r (0-based) uses NumPy's PCG64 bit generator seeded with SeedSequence(int(SHA-256("<seed>:<r>"), 16)),
  draws n raw 64-bit outputs (`PCG64.random_raw`, a stream NumPy keeps stable across versions, NEP 19) and takes
  voter `raw mod n` for each. The modulo bias is below n / 2^64, i.e. nothing for any real electorate.
- The resample is the election with the same projects, budget, lot and threshold, and each ballot weighted by
  how many times its voters were drawn (ballots drawn no time left out).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from pb.counting.election import Ballot, Election
from pb.counting.pabulib import parse_pabulib
from pb.counting.rules import CLI_NAMES, count
from pb.counting.ties import TieOrder

DEFAULT_RESAMPLES = 200  # issue 9: "resample the ballots (bootstrap, 200 times, seeded)"
STABILITY_FORMAT = "pb-bootstrap-v1"
RESAMPLING_PROCEDURE = (
    "pb-bootstrap-v1: voters numbered in merged-ballot order; resample r draws n voters as "
    "PCG64(SeedSequence(int(sha256('<seed>:<r>'), 16))).random_raw(n) mod n; each resample counted with the "
    "same rule, ties and lot"
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Stability:
    """How many of `resamples` bootstrap resamples each project won (every project of the election listed,
    in the election's order, zero included)."""

    variant: str
    ties: TieOrder
    resamples: int
    seed: str
    wins: dict[str, int]

    def share(self, project_id: str) -> Fraction:
        """The share of resamples the project won, exactly (0 to 1)."""
        if self.resamples == 0:
            return Fraction(0)
        return Fraction(self.wins.get(project_id, 0), self.resamples)


def resample_seed(seed: str, resample: int) -> int:
    return int(hashlib.sha256(f"{seed}:{resample}".encode()).hexdigest(), 16)


def resampled_weights(election: Election, seed: str, resample: int) -> list[int]:
    """How many times each of the election's merged ballots is drawn in resample `resample`."""
    weights = np.array([ballot.weight for ballot in election.ballots], dtype=np.int64)
    voters = int(weights.sum())
    if voters == 0:
        return [0] * len(election.ballots)
    generator = np.random.PCG64(np.random.SeedSequence(resample_seed(seed, resample)))
    drawn = generator.random_raw(voters) % np.uint64(voters)
    # Voter v belongs to the first ballot whose cumulative weight exceeds v.
    ballots = np.searchsorted(np.cumsum(weights), drawn.astype(np.int64), side="right")
    return [int(times) for times in np.bincount(ballots, minlength=len(election.ballots))]


def resamples_of(election: Election, seed: str, resamples: int) -> Iterator[Election]:
    """The bootstrap resamples of `election`, in order (see the module docstring for the draw)."""
    for resample in range(resamples):
        weights = resampled_weights(election, seed, resample)
        ballots = tuple(
            Ballot(ballot.points, weight) for ballot, weight in zip(election.ballots, weights, strict=True) if weight
        )
        yield replace(election, ballots=ballots)


def bootstrap_stability(
    election: Election,
    variant: str,
    *,
    seed: str,
    resamples: int = DEFAULT_RESAMPLES,
    ties: TieOrder = "default",
    progress: Progress | None = None,
) -> Stability:
    """Counts `resamples` bootstrap resamples with the engine's rule variant `variant` (a pb.counting.rules.RULES
    name, e.g. "mes_add1_es") and `ties`; raises ValueError when the rule does not apply to the ballots."""
    if resamples < 1:
        raise ValueError("at least one resample is needed")
    wins = {project.project_id: 0 for project in election.projects}
    for number, resample in enumerate(resamples_of(election, seed, resamples), 1):
        for project_id in count(variant, resample, ties).selected:
            wins[project_id] += 1
        if progress is not None:
            progress(number, resamples)
    return Stability(variant, ties, resamples, seed, wins)


def stability_of_file(source: str | bytes, rule: str, seed: str, resamples: int) -> dict[str, int]:
    """Wins per project id for a `.pb` file counted as `pb tally FILE --rule RULE --ties default` counts it (the
    lot is the file's project order). Runs in a worker process: plain arguments in, plain data out."""
    data = parse_pabulib(source)
    election = Election.from_pabulib(data, lot_order=[project.project_id for project in data.projects])
    return bootstrap_stability(election, CLI_NAMES[rule], seed=seed, resamples=resamples).wins
