"""The re-identification check of an anonymised summary: plain functions over plain data, no database.

Small groups of people who share an experience are easy to single out. Before a summary leaves the group the
check points at what could lead a reader back to a person (deliberation-panels.md §4.5: "do not publish quotes
tied to rare roles or places, and set a minimum group size"):

- names of people in the group's registry, also inflected ("Ainon", "Sixtens");
- contact details: email addresses, phone numbers and personal identity codes (HETU), and any of the group's
  own addresses and numbers written in another form;
- experience areas that fewer than five of the people who took part share, alone or two together;
- counts under five ("two of us", "3 people"), and a summary of fewer than five people at all.

The threshold of five follows the small-cell rule of official statistics (Tilastokeskus: cells under five are
suppressed; the same MIN_GROUP as pb.reports.charts). The check warns; the coordinator decides. It cannot see
everything (a rare job, a village, a story only one person could tell), which the page says too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

MINIMUM = 5
# Finnish case endings (with the linking -i- of names ending in a consonant: "Sixtenin"), the Swedish genitive
# and the English possessive, so that "Ainon", "Ainolle", "Lindqvistin" and "Sixtens" match their names.
# A false alarm ("ainoa", only) costs a glance; a missed name costs a person.
_ENDINGS = r"(?:i?(?:n|a|ä|na|nä|lla|llä|lle|lta|ltä|sta|stä|ssa|ssä|ksi)|s|'s|’s)?"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+358|00358|0)[\s-]?\d{1,3}(?:[\s-]?\d){4,9}(?!\w)")
# Henkilötunnus: six digits of birth date, the century sign, three digits and a check character.
_HETU = re.compile(r"(?<!\w)\d{6}[-+A-FU-Y]\d{3}[0-9A-Y](?!\w)", re.IGNORECASE)
# A lone digit 1–4; not part of a larger number, a decimal or a percentage ("3,5", "12", "4 %").
_SMALL_DIGIT = re.compile(r"(?<![\w.,])[1-4](?![\w.,%])(?!\s%)")
# Number words under five. Swedish "en/ett" and English "one" are left out: they are articles and pronouns far
# more often than counts.
_SMALL_WORD = re.compile(
    r"(?<!\w)(?:yksi|yhden|kaksi|kahden|kaksin|kolme|kolmen|neljä|neljän|två|tre|fyra|two|three|four|both)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Area:
    """An experience area: its names in each language and the people who took part who have it."""

    labels: tuple[str, ...]
    holders: frozenset[int]


@dataclass(frozen=True)
class Finding:
    kind: str  # name, contact, rare_area, rare_combination, small_count, small_group
    field: str  # the part of the summary it is in ("" for the summary as a whole)
    excerpt: str  # what was found, as written
    people: int | None = None  # for areas: how many who took part share it

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _name_parts(names: Sequence[str]) -> set[str]:
    # Parts of two letters ("Li", "Ek") would match too much ordinary text; whole names still match below.
    parts = {part for name in names for part in re.split(r"[\s-]+", name.strip()) if len(part) >= 3}
    return parts | {name.strip() for name in names if name.strip()}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _mentions(text: str, label: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(label.strip()), text, re.IGNORECASE) is not None


def check(
    texts: Mapping[str, str],
    *,
    names: Sequence[str],
    contacts: Sequence[str],
    areas: Sequence[Area],
    participants: int,
    minimum: int = MINIMUM,
) -> list[Finding]:
    """``texts``: the summary's parts by field name; ``names`` and ``contacts``: everyone in the registry;
    ``areas``: the group's experience areas with who of the participants has each."""
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, field: str, excerpt: str, people: int | None = None) -> None:
        key = (kind, field, excerpt.lower())
        if key not in seen:
            seen.add(key)
            findings.append(Finding(kind, field, excerpt, people))

    if participants < minimum:
        add("small_group", "", str(participants), participants)
    name_patterns = [
        re.compile(r"(?<!\w)" + re.escape(part) + _ENDINGS + r"(?!\w)", re.IGNORECASE)
        for part in sorted(_name_parts(names), key=len, reverse=True)
    ]
    known_emails = {contact.strip().lower() for contact in contacts if "@" in contact}
    known_phones = {_digits(contact) for contact in contacts if "@" not in contact and len(_digits(contact)) >= 5}
    for field, text in texts.items():
        for pattern in name_patterns:
            for match in pattern.finditer(text):
                add("name", field, match.group(0))
        for match in _EMAIL.finditer(text):
            add("contact", field, match.group(0))
        for match in _PHONE.finditer(text):
            add("contact", field, match.group(0))
        for match in _HETU.finditer(text):
            add("contact", field, match.group(0))
        lowered, digits = text.lower(), _digits(text)
        for email in known_emails:
            if email in lowered:
                add("contact", field, email)
        for phone in known_phones:
            # The last seven digits: the same number written with or without the area or country code.
            if phone[-7:] in digits:
                add("contact", field, phone)
        mentioned = [area for area in areas if any(_mentions(text, label) for label in area.labels if label.strip())]
        for area in mentioned:
            if len(area.holders) < minimum:
                add("rare_area", field, area.labels[0], len(area.holders))
        for first, second in combinations(mentioned, 2):
            shared = len(first.holders & second.holders)
            if len(first.holders) >= minimum and len(second.holders) >= minimum and shared < minimum:
                add("rare_combination", field, f"{first.labels[0]} + {second.labels[0]}", shared)
        for match in _SMALL_DIGIT.finditer(text):
            add("small_count", field, match.group(0))
        for match in _SMALL_WORD.finditer(text):
            add("small_count", field, match.group(0))
    return findings
