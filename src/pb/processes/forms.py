"""Admin forms for processes: details, phase dates, districts with populations, budgets and themes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pb.processes.models import PHASE_LABELS, PHASE_ORDER, Budget, Process, Theme
from pb.web.forms import Errors, Translate, clean_text

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AGE_BAND = re.compile(r"^\d{1,3}(?:-\d{1,3}|\+)$")
MAX_EUROS = 10**11


@dataclass(frozen=True)
class ProcessDetails:
    slug: str
    names: dict[str, str]
    descriptions: dict[str, str]
    age_bands: list[str]
    is_published: bool

    def apply(self, process: Process) -> None:
        process.slug = self.slug
        for language in ("fi", "sv", "en"):
            setattr(process, f"name_{language}", self.names[language])
            setattr(process, f"description_{language}", self.descriptions[language])
        process.age_bands = self.age_bands
        process.is_published = self.is_published


def parse_details(data: dict[str, str], _: Translate) -> tuple[ProcessDetails, Errors]:
    errors = Errors()
    slug = clean_text(data.get("slug")).lower()
    if not slug:
        errors.add("slug", _("Enter a short web address, for example omabudjetti-2027."))
    elif len(slug) > 80 or not SLUG.match(slug):
        errors.add("slug", _("Use only lower-case letters a–z, digits and hyphens, for example omabudjetti-2027."))
    names = {language: " ".join(clean_text(data.get(f"name_{language}")).split()) for language in ("fi", "sv", "en")}
    if not names["fi"]:
        errors.add("name_fi", _("Enter the name in Finnish."))
    for language, name in names.items():
        if len(name) > 200:
            errors.add(f"name_{language}", _("The name can be at most 200 characters long."))
    descriptions = {
        language: clean_text(data.get(f"description_{language}"), strip=False).strip()
        for language in ("fi", "sv", "en")
    }
    for language, text in descriptions.items():
        if len(text) > 20_000:
            errors.add(f"description_{language}", _("The description can be at most 20,000 characters long."))
    bands = [band.strip().replace("–", "-") for band in clean_text(data.get("age_bands")).split(",") if band.strip()]
    if any(not AGE_BAND.match(band) for band in bands) or len(set(bands)) != len(bands):
        errors.add("age_bands", _("Write age bands separated by commas, for example 12-17, 18-29, 30-64, 65+."))
    return ProcessDetails(slug, names, descriptions, bands, data.get("is_published") == "yes"), errors


def parse_phase_dates(
    data: dict[str, str], _: Translate, to_moment: object
) -> tuple[dict[str, tuple[datetime, datetime]], Errors]:
    """Each phase has a first and a last day; a phase ends at midnight after its last day."""
    errors = Errors()
    moments: dict[str, tuple[datetime, datetime]] = {}
    previous_end: date | None = None
    for kind in PHASE_ORDER:
        first = _day(data.get(f"{kind}_starts"), errors, f"{kind}_starts", _)
        last = _day(data.get(f"{kind}_ends"), errors, f"{kind}_ends", _)
        if first is None or last is None:
            continue
        if last < first:
            errors.add(f"{kind}_ends", _("The last day cannot be before the first day."))
        elif previous_end is not None and first <= previous_end:
            errors.add(
                f"{kind}_starts",
                _("%(phase)s must begin after the previous phase ends.") % {"phase": _(PHASE_LABELS[kind])},
            )
        previous_end = last
        moments[kind] = (to_moment(first), to_moment(last + timedelta(days=1)))  # type: ignore[operator]
    return moments, errors


def _day(raw: str | None, errors: Errors, name: str, _: Translate) -> date | None:
    text = clean_text(raw)
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD, for example 2026-03-31."))
        return None


def parse_euros(raw: str | None, errors: Errors, name: str, _: Translate, *, required: bool = True) -> int | None:
    """Euros as people write them ("12 000", "12000,50", "12 000 €") into whole cents."""
    text = clean_text(raw).replace("€", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    if not text:
        if required:
            errors.add(name, _("Enter an amount in euros."))
        return None
    match = re.fullmatch(r"(\d{1,12})(?:\.(\d{1,2}))?", text)
    if match is None:
        errors.add(name, _("Enter the amount in euros as digits, for example 25000 or 1 500,50."))
        return None
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents <= 0 or cents > MAX_EUROS * 100:
        errors.add(name, _("Enter an amount greater than zero."))
        return None
    return cents


def parse_budget(data: dict[str, str], _: Translate, district_ids: set[int]) -> tuple[Budget, Errors]:
    errors = Errors()
    names = _names(data, errors, _, 200, "budget_name")
    district_raw = clean_text(data.get("district_id"))
    district_id: int | None = None
    if district_raw:
        if not district_raw.isdigit() or int(district_raw) not in district_ids:
            errors.add("district_id", _("Choose a district of this process, or city-wide."))
        else:
            district_id = int(district_raw)
    amount = parse_euros(data.get("amount"), errors, "amount", _)
    budget = Budget(
        name_fi=names["fi"], name_sv=names["sv"], name_en=names["en"], district_id=district_id, amount_cents=amount or 0
    )
    return budget, errors


def parse_theme(data: dict[str, str], _: Translate) -> tuple[Theme, Errors]:
    errors = Errors()
    names = _names(data, errors, _, 120, "theme_name")
    return Theme(name_fi=names["fi"], name_sv=names["sv"], name_en=names["en"]), errors


def _names(data: dict[str, str], errors: Errors, _: Translate, limit: int, prefix: str) -> dict[str, str]:
    names = {
        language: " ".join(clean_text(data.get(f"{prefix}_{language}")).split()) for language in ("fi", "sv", "en")
    }
    if not names["fi"]:
        errors.add(f"{prefix}_fi", _("Enter the name in Finnish."))
    for language, name in names.items():
        if len(name) > limit:
            errors.add(f"{prefix}_{language}", _("The name is too long."))
    return names


def parse_populations(
    form: dict[str, list[str]], _: Translate, district_ids: list[int], bands: list[str]
) -> tuple[dict[int, dict[str, int]], Errors]:
    errors = Errors()
    chosen = {value for value in form.get("districts", []) if value.isdigit()}
    populations: dict[int, dict[str, int]] = {}
    for district_id in district_ids:
        if str(district_id) not in chosen:
            continue
        by_age: dict[str, int] = {}
        for index, band in enumerate(bands):
            name = f"population_{district_id}_{index}"
            raw = clean_text((form.get(name) or [""])[0]).replace(" ", "")
            if raw == "":
                by_age[band] = 0
            elif raw.isdigit() and len(raw) <= 9:
                by_age[band] = int(raw)
            else:
                errors.add(name, _("Enter the number of residents as a whole number."))
        populations[district_id] = by_age
    if not populations:
        errors.add("districts", _("Choose at least one district."))
    return populations, errors
