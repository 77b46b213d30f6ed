"""Proposing quotas for a citizens' panel from population shares: pure functions on plain data.

The rule (issue 8, "Setting up a panel"): for each category, the panel's seats are shared out in proportion to
the population shares by the largest-remainder method (Hamilton's method: every value gets the whole part of
share × size, and the seats left over go to the largest fractional parts, ties to the earlier value), so the
centre counts of a category always add up to the panel size. Each value's quota is then the centre count minus
and plus the tolerance, clipped to 0 … size:

    min = max(0, centre − tolerance),  max = min(size, centre + tolerance)

Plain rounding (round(share × size) ± tolerance) would not do: three values of 33.3 % on a panel of 10 round to
3 + 3 + 3 = 9, and with a tolerance of 0 no panel of 10 meets those quotas. Because the centres add up to the
size, min ≤ centre ≤ max gives sum(min) ≤ size ≤ sum(max) for every category: a proposal is never inconsistent
on its own (whether the registered pool can fill it is the feasibility check's question, at selection).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# Shares are entered in percent with up to two decimals and kept as hundredths of a percent (basis points).
FULL_SHARE = 10_000
# Shares of a category must add up to 100 % give or take this much (rounded census figures rarely add up exactly).
SHARE_SLACK = 100


@dataclass(frozen=True)
class Bounds:
    min: int
    max: int


def centre_counts(shares: Sequence[int], size: int) -> list[int]:
    """Seats per value in proportion to ``shares`` (any non-negative weights), adding up to ``size``."""
    total = sum(shares)
    if size < 0 or any(share < 0 for share in shares):
        raise ValueError("shares and size must not be negative")
    if total == 0:
        return [0] * len(shares)
    exact = [Fraction(share * size, total) for share in shares]
    counts = [int(value) for value in exact]  # floor, since every value is non-negative
    left = size - sum(counts)
    # Largest remainder first; on a tie the value listed first wins, so the result never depends on chance.
    order = sorted(range(len(shares)), key=lambda index: (-(exact[index] - counts[index]), index))
    for index in order[:left]:
        counts[index] += 1
    return counts


def propose(shares: Sequence[int], size: int, tolerance: int) -> list[Bounds]:
    """Minimum and maximum count per value for a panel of ``size`` (see the module's docstring)."""
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    return [Bounds(max(0, centre - tolerance), min(size, centre + tolerance)) for centre in centre_counts(shares, size)]


@dataclass(frozen=True)
class Problem:
    """Something that makes a category's quotas impossible or doubtful; ``kind`` picks the message."""

    category: str
    kind: str  # "min_above_max", "max_above_size", "mins_above_size", "maxes_below_size", "shares_total"
    detail: int = 0


def check(categories: Mapping[str, Sequence[tuple[int, Bounds | None]]], size: int) -> list[Problem]:
    """Problems of the quotas as entered: per category, (share, bounds) for each value; None bounds = not set.

    Per category, a panel of ``size`` exists only if sum(min) ≤ size ≤ sum(max) and min ≤ max ≤ size for
    each value. Shares that do not add up to 100 % (± 1 percentage point) are reported too.
    """
    problems: list[Problem] = []
    for category, values in categories.items():
        if not values:
            continue
        share_total = sum(share for share, _ in values)
        if abs(share_total - FULL_SHARE) > SHARE_SLACK:
            problems.append(Problem(category, "shares_total", share_total))
        bounds = [item for _, item in values if item is not None]
        if len(bounds) != len(values):
            continue
        if any(item.min > item.max for item in bounds):
            problems.append(Problem(category, "min_above_max"))
        if any(item.max > size for item in bounds):
            problems.append(Problem(category, "max_above_size"))
        if sum(item.min for item in bounds) > size:
            problems.append(Problem(category, "mins_above_size", sum(item.min for item in bounds)))
        if sum(item.max for item in bounds) < size:
            problems.append(Problem(category, "maxes_below_size", sum(item.max for item in bounds)))
    return problems
