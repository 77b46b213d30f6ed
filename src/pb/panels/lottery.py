"""The invitation lottery: which addresses get a letter, reproducible by anyone from the published seed.

Method "sha256-order-v1" (published on the panel's page so that anyone can recompute it):

1. The register digest is the SHA-256 of the register's address ids, sorted by Unicode code point, encoded as
   UTF-8 and joined by line feeds (no trailing line feed).
2. Each address id gets the sort key SHA-256(seed + U+001F + address id) (UTF-8, as 64 lower-case hex digits).
3. The addresses are ordered by that key (then by id, which never matters in practice); the first N are invited.
4. The drawn list's digest is the SHA-256 of the drawn ids in that order, joined by line feeds.

A keyed ordering rather than a seeded pseudo-random generator (Python's `random.sample`) because its result
depends only on SHA-256, which every language has, not on one library's generator and version; and every
address's chance of being among the first N is N / size of the register (a uniform sample without replacement,
as long as SHA-256 behaves as a random function, which is what it is designed to do).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

METHOD = "sha256-order-v1"
SEPARATOR = "\x1f"


def list_digest(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def register_digest(address_ids: Iterable[str]) -> str:
    return list_digest(sorted(address_ids))


def sort_key(seed: str, address_id: str) -> str:
    return hashlib.sha256(f"{seed}{SEPARATOR}{address_id}".encode()).hexdigest()


def draw(seed: str, address_ids: Sequence[str], count: int) -> list[str]:
    """The first ``count`` address ids in the seed's order (all of them when the register is smaller)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if len(set(address_ids)) != len(address_ids):
        raise ValueError("address ids must be unique")
    ordered = sorted(address_ids, key=lambda address_id: (sort_key(seed, address_id), address_id))
    return ordered[:count]
