"""Selection instances: the pool, the quotas and the panel size, loaded from the shared folder format.

A folder holds `people.csv` (an id column, address columns and one column per category),
`quotas.csv` (`category,value,min,max`) and `instance.json` (`panel_size`, `id_column`,
`address_columns`, `categories`).
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class InstanceError(ValueError):
    """The input files do not describe a valid selection instance; the message says what to fix."""


@dataclass(frozen=True)
class Quota:
    category: str
    value: str
    min: int
    max: int


@dataclass(frozen=True)
class Person:
    id: str
    features: Mapping[str, str]
    # Normalised address; None when the person's address is blank (then the household rule cannot apply).
    household: str | None = None


@dataclass(frozen=True)
class Instance:
    people: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    panel_size: int
    categories: tuple[str, ...]
    name: str = ""
    # "At most one person per household" (the usual rule in Sortition Foundation practice).
    household_rule: bool = True
    index_by_id: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index_by_id", {p.id: i for i, p in enumerate(self.people)})

    def quota(self, category: str, value: str) -> Quota:
        for q in self.quotas:
            if q.category == category and q.value == value:
                return q
        raise KeyError((category, value))

    def households(self) -> list[list[int]]:
        """Households with two or more people in the pool, as lists of person indices (in pool order)."""
        if not self.household_rule:
            return []
        members: dict[str, list[int]] = {}
        for i, p in enumerate(self.people):
            if p.household is not None:
                members.setdefault(p.household, []).append(i)
        return [m for m in members.values() if len(m) > 1]


def normalise_address_part(text: str) -> str:
    """Case, width and punctuation differences do not make two addresses different ("Katu 1 a" = "KATU 1A")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # Keep letters of any script (ä, å, ö): only separators and punctuation collapse.
    kept = "".join(ch if ch.isalnum() else " " for ch in folded)
    return " ".join(kept.split())


def household_key(parts: Sequence[str]) -> str | None:
    normalised = [normalise_address_part(p) for p in parts]
    if not any(normalised):
        return None
    return "\x1f".join(normalised)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise InstanceError(f"{path}: file not found")
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise InstanceError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise InstanceError(f"{path}: not valid CSV ({exc})") from exc
    return header, rows


def _int_field(path: Path, line: int, name: str, text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        raise InstanceError(f"{path}:{line}: {name} must be a whole number, got {text!r}") from None


def load_instance(folder: Path | str, *, household_rule: bool = True) -> Instance:
    folder = Path(folder)
    if not folder.is_dir():
        raise InstanceError(f"{folder}: not a folder")
    meta_path = folder / "instance.json"
    if not meta_path.is_file():
        raise InstanceError(f"{meta_path}: file not found")
    try:
        meta: Any = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InstanceError(f"{meta_path}: not valid JSON ({exc})") from exc
    if not isinstance(meta, dict):
        raise InstanceError(f"{meta_path}: expected a JSON object")
    panel_size = meta.get("panel_size")
    if not isinstance(panel_size, int) or isinstance(panel_size, bool) or panel_size < 1:
        raise InstanceError(f"{meta_path}: panel_size must be a positive whole number")
    id_column = meta.get("id_column", "id")
    address_columns = meta.get("address_columns", [])
    if (
        not isinstance(id_column, str)
        or not isinstance(address_columns, list)
        or not all(isinstance(c, str) for c in address_columns)
    ):
        raise InstanceError(f"{meta_path}: id_column must be a string and address_columns a list of strings")

    quota_path = folder / "quotas.csv"
    quota_header, quota_rows = _read_csv(quota_path)
    missing = [c for c in ("category", "value", "min", "max") if c not in quota_header]
    if missing:
        raise InstanceError(f"{quota_path}: missing column(s) {', '.join(missing)}")
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(quota_rows, start=2):
        category, value = (row["category"] or "").strip(), (row["value"] or "").strip()
        if not category:
            raise InstanceError(f"{quota_path}:{line}: empty category")
        lo = _int_field(quota_path, line, "min", row["min"])
        hi = _int_field(quota_path, line, "max", row["max"])
        if lo < 0 or hi < lo:
            raise InstanceError(f"{quota_path}:{line}: need 0 <= min <= max, got min={lo} max={hi}")
        if (category, value) in seen:
            raise InstanceError(f"{quota_path}:{line}: duplicate quota for {category}={value}")
        seen.add((category, value))
        quotas.append(Quota(category, value, lo, hi))

    meta_categories = meta.get("categories")
    categories: list[str] = []
    for q in quotas:
        if q.category not in categories:
            categories.append(q.category)
    if isinstance(meta_categories, list):
        extra = sorted(set(categories) - {str(c) for c in meta_categories})
        if extra:
            raise InstanceError(f"{quota_path}: categories {extra} are not listed in instance.json")

    people_path = folder / "people.csv"
    header, rows = _read_csv(people_path)
    needed = [id_column, *address_columns, *categories]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InstanceError(f"{people_path}: missing column(s) {', '.join(missing)}")
    people: list[Person] = []
    ids: set[str] = set()
    for line, row in enumerate(rows, start=2):
        pid = (row[id_column] or "").strip()
        if not pid:
            raise InstanceError(f"{people_path}:{line}: empty {id_column}")
        if pid in ids:
            raise InstanceError(f"{people_path}:{line}: duplicate {id_column} {pid!r}")
        ids.add(pid)
        features = {c: (row[c] or "").strip() for c in categories}
        for c, v in features.items():
            if (c, v) not in seen:
                raise InstanceError(f"{people_path}:{line}: {c}={v!r} has no row in quotas.csv")
        key = household_key([row[c] or "" for c in address_columns]) if address_columns else None
        people.append(Person(pid, features, key))
    if panel_size > len(people):
        raise InstanceError(f"{meta_path}: panel_size {panel_size} is larger than the pool ({len(people)})")
    return Instance(
        people=tuple(people),
        quotas=tuple(quotas),
        panel_size=panel_size,
        categories=tuple(categories),
        name=folder.name,
        household_rule=household_rule and bool(address_columns),
    )
