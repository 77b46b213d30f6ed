"""Reading the proposal forms and the list's query string into typed values or messages per field."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pb.processes.models import Process
from pb.proposals.images import MAX_ALT_TEXT_LENGTH, MAX_IMAGES, ImageProblem
from pb.proposals.models import PUBLIC_STATUSES, Proposal, ProposalStatus
from pb.web.forms import Errors, Translate, check_email, clean_text

TITLE_MAX = 150
SUMMARY_MAX = 500
BODY_MAX = 8000
ADDRESS_MAX = 200
# A proposal larger than the whole budget of a big city's round is a typo, not a plan.
MAX_COST_CENTS = 100_000_000 * 100
CITY_WIDE = "city"
IMAGE_SLOTS = tuple(range(1, MAX_IMAGES + 1))


class Action(StrEnum):
    PREVIEW = "preview"
    DRAFT = "draft"
    PUBLISH = "publish"
    SAVE = "save"


class Sort(StrEnum):
    RANDOM = "random"
    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"


@dataclass(frozen=True)
class ProposalValues:
    title: str
    summary: str
    body: str
    district_id: int | None  # None: city-wide
    theme_id: int | None
    address: str
    latitude: float | None
    longitude: float | None
    cost_cents: int | None


@dataclass(frozen=True)
class NewImage:
    slot: int
    raw: bytes
    alt_text: str


@dataclass
class ImageChanges:
    new: list[NewImage] = field(default_factory=list)
    removed_ids: set[int] = field(default_factory=set)
    alt_texts: dict[int, str] = field(default_factory=dict)  # existing image id -> new alt text


def normalised(raw: str | None) -> str:
    # NFC, so that "ä" typed as a + combining diaeresis is the same letter to the search index.
    return unicodedata.normalize("NFC", clean_text(raw))


def one_line(raw: str | None) -> str:
    return " ".join(normalised(raw).split())


def initial_form(proposal: Proposal | None) -> dict[str, str]:
    """The edit form filled in from a saved proposal, as the text a person would have typed."""
    if proposal is None:
        return {}
    return {
        "title": proposal.title,
        "summary": proposal.summary,
        "body": proposal.body,
        "district": str(proposal.district_id) if proposal.district_id is not None else CITY_WIDE,
        "theme": str(proposal.theme_id or ""),
        "address": proposal.address,
        "latitude": "" if proposal.latitude is None else str(proposal.latitude),
        "longitude": "" if proposal.longitude is None else str(proposal.longitude),
        "cost": "" if proposal.author_cost_cents is None else cost_text(proposal.author_cost_cents),
    }


def cost_text(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    return f"{euros}" if rest == 0 else f"{euros},{rest:02d}"


def parse_action(raw: str | None, *, published: bool) -> Action:
    try:
        action = Action(clean_text(raw))
    except ValueError:
        return Action.PREVIEW
    if published and action in {Action.DRAFT, Action.PUBLISH}:
        return Action.SAVE
    if not published and action == Action.SAVE:
        return Action.DRAFT
    return action


def parse_proposal(data: dict[str, str], process: Process, _: Translate) -> tuple[ProposalValues, Errors]:
    errors = Errors()
    title = one_line(data.get("title"))
    if not title:
        errors.add("title", _("Enter a title."))
    elif len(title) > TITLE_MAX:
        errors.add("title", _("The title can be at most 150 characters long."))
    summary = one_line(data.get("summary"))
    if not summary:
        errors.add("summary", _("Enter a short summary."))
    elif len(summary) > SUMMARY_MAX:
        errors.add("summary", _("The summary can be at most 500 characters long."))
    body = normalised(data.get("body"))
    if not body:
        errors.add("body", _("Describe your proposal."))
    elif len(body) > BODY_MAX:
        errors.add("body", _("The description can be at most 8,000 characters long."))
    district_id = _checked(errors, "district", _("Choose a district or the whole city."), _district, data, process)
    theme_id = _checked(errors, "theme", _("Choose a theme."), _theme, data, process)
    if theme_id is None and process.themes:
        errors.add("theme", _("Choose a theme."))
    address = one_line(data.get("address"))
    if len(address) > ADDRESS_MAX:
        errors.add("address", _("The address can be at most 200 characters long."))
    latitude = longitude = None
    try:
        latitude = parse_coordinate(data.get("latitude"), 90.0)
    except ValueError:
        errors.add("latitude", _("Enter the latitude as a number between -90 and 90, for example 60.1699."))
    try:
        longitude = parse_coordinate(data.get("longitude"), 180.0)
    except ValueError:
        errors.add("longitude", _("Enter the longitude as a number between -180 and 180, for example 24.9384."))
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        errors.add(missing, _("Enter both the latitude and the longitude, or neither."))
    cost = None
    try:
        cost = parse_euros(data.get("cost"))
    except ValueError:
        errors.add("cost", _("Enter the cost in euros, for example 12 000 or 12000,50."))
    values = ProposalValues(
        title=title,
        summary=summary,
        body=body,
        district_id=district_id,
        theme_id=theme_id,
        address=address,
        latitude=latitude,
        longitude=longitude,
        cost_cents=cost,
    )
    return values, errors


def _checked(
    errors: Errors,
    name: str,
    message: str,
    parse: Callable[[str, Process], int | None],
    data: dict[str, str],
    process: Process,
) -> int | None:
    try:
        return parse(clean_text(data.get(name)), process)
    except ValueError:
        errors.add(name, message)
        return None


def _id_in(value: str, allowed: set[int]) -> int:
    if value.isascii() and value.isdigit() and len(value) < 10 and int(value) in allowed:
        return int(value)
    raise ValueError(value)


def _district(value: str, process: Process) -> int | None:
    """A district of the process, or None for the whole city."""
    if value == CITY_WIDE:
        return None
    return _id_in(value, {item.district_id for item in process.districts})


def _theme(value: str, process: Process) -> int | None:
    return _id_in(value, {theme.id for theme in process.themes}) if value else None


def parse_coordinate(raw: str | None, limit: float) -> float | None:
    value = clean_text(raw).replace(",", ".").replace("\u2212", "-")
    if not value:
        return None
    if len(value) > 20 or not re.fullmatch(r"-?\d{1,3}(\.\d{1,10})?", value):
        raise ValueError(value)
    number = float(value)
    if not -limit <= number <= limit:
        raise ValueError(value)
    return number


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_euros(raw: str | None) -> int | None:
    """Euros as people write them ("12 000", "12000,50", "12,000.50", "12 000 €") -> integer cents.

    None when empty; ValueError when not an amount. A separator followed by exactly three digits groups thousands;
    followed by one or two digits it marks the cents (Finnish and Swedish write a decimal comma).
    """
    value = _SPACES.sub("", clean_text(raw)).removeprefix("€").removesuffix("€").removesuffix("EUR").removesuffix("e")
    if not value:
        return None
    if len(value) > 20 or not re.fullmatch(r"\d[\d.,]*", value):
        raise ValueError(value)
    separators = [index for index, char in enumerate(value) if char in ".,"]
    decimal_at: int | None = None
    if separators:
        last = separators[-1]
        digits_after = len(value) - last - 1
        if digits_after in {1, 2}:
            decimal_at = last
        elif digits_after != 3:
            raise ValueError(value)
    whole = value if decimal_at is None else value[:decimal_at]
    cents_text = "" if decimal_at is None else value[decimal_at + 1 :]
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])):
        raise ValueError(value)
    try:
        amount = Decimal("".join(groups) + ("." + cents_text if cents_text else ""))
    except InvalidOperation as error:
        raise ValueError(value) from error
    cents = int(amount * 100)
    if cents > MAX_COST_CENTS:
        raise ValueError(value)
    return cents


def image_message(problem: ImageProblem, _: Translate) -> str:
    return {
        ImageProblem.TOO_LARGE: _("The image is larger than 5 MB. Choose a smaller file."),
        ImageProblem.NOT_AN_IMAGE: _("The file is not an image that can be read."),
        ImageProblem.WRONG_FORMAT: _("The image must be a JPEG, PNG or WebP file."),
        ImageProblem.TOO_MANY_PIXELS: _("The image has too many pixels. Choose a smaller image."),
    }[problem]


def parse_image_changes(
    data: dict[str, str],
    removals: list[str],
    uploads: dict[int, bytes],
    existing_ids: list[int],
    errors: Errors,
    _: Translate,
) -> ImageChanges:
    """Which images to add (slot -> bytes + alt text), remove and re-describe; at most three in all."""
    changes = ImageChanges()
    for raw_id in removals:
        if raw_id.isascii() and raw_id.isdigit() and int(raw_id) in existing_ids:
            changes.removed_ids.add(int(raw_id))
    for image_id in existing_ids:
        if image_id in changes.removed_ids:
            continue
        name = f"image_alt_{image_id}"
        if name not in data:
            continue
        alt = one_line(data.get(name))
        if not alt:
            errors.add(name, _("Describe the image for people who cannot see it."))
        elif len(alt) > MAX_ALT_TEXT_LENGTH:
            errors.add(name, _("The description can be at most 300 characters long."))
        changes.alt_texts[image_id] = alt
    for slot in IMAGE_SLOTS:
        raw = uploads.get(slot)
        alt = one_line(data.get(f"new_image_alt_{slot}"))
        if not raw:
            continue
        if not alt:
            errors.add(f"new_image_alt_{slot}", _("Describe the image for people who cannot see it."))
        elif len(alt) > MAX_ALT_TEXT_LENGTH:
            errors.add(f"new_image_alt_{slot}", _("The description can be at most 300 characters long."))
        changes.new.append(NewImage(slot, raw, alt))
    kept = len(existing_ids) - len(changes.removed_ids)
    if kept + len(changes.new) > MAX_IMAGES:
        errors.add("images", _("A proposal can have at most three images. Remove one before adding another."))
    return changes


def parse_coauthor_email(data: dict[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    email = check_email(data.get("email"), errors, "email", _)
    return email, errors


@dataclass(frozen=True)
class ListQuery:
    search: str = ""
    district: str = ""  # "", "city" or a district id
    theme: int | None = None
    status: str = ""  # "" means every public status except withdrawn
    sort: Sort = Sort.RANDOM
    page: int = 1

    def query_string(self, **changes: object) -> dict[str, str]:
        """The address's query for this list with some values changed (empty values left out)."""
        values: dict[str, object] = {
            "q": self.search,
            "district": self.district,
            "theme": self.theme,
            "status": self.status,
            "sort": self.sort.value,
            "page": self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            del values["page"]
        return {key: str(value) for key, value in values.items() if value not in ("", None)}


def parse_list_query(
    q: str | None,
    district: str | None,
    theme: str | None,
    status: str | None,
    sort: str | None,
    page: str | None,
    process: Process,
) -> ListQuery:
    """Anything unknown in the address falls back to "all" rather than an error: links get mangled."""
    wanted_district = clean_text(district)
    try:
        _district(wanted_district, process)
    except ValueError:
        wanted_district = ""
    try:
        wanted_theme = _theme(clean_text(theme), process)
    except ValueError:
        wanted_theme = None
    wanted_status = clean_text(status)
    if wanted_status not in {str(item) for item in PUBLIC_STATUSES}:
        wanted_status = ""
    try:
        wanted_sort = Sort(clean_text(sort))
    except ValueError:
        wanted_sort = Sort.RANDOM
    page_text = clean_text(page)
    page_number = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) < 6 else 1
    return ListQuery(
        search=one_line(q)[:100],
        district=wanted_district,
        theme=wanted_theme,
        status=wanted_status,
        sort=wanted_sort,
        page=max(1, page_number),
    )


# Statuses offered in the list's filter, in the order a round goes through them.
STATUS_FILTER = [
    ProposalStatus.PUBLISHED,
    ProposalStatus.MERGED,
    ProposalStatus.FEASIBLE,
    ProposalStatus.NOT_FEASIBLE,
    ProposalStatus.ON_BALLOT,
    ProposalStatus.WITHDRAWN,
]
