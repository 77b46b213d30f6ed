"""Panel forms: the panel's details, categories and quotas, the address register CSV, the invitation lottery,
the letters, the privacy text and the public registration. Raw text in, typed values or messages per field out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pb.panels.models import Panel, PanelCategory
from pb.panels.quotas import Bounds
from pb.voting.secrecy import normalise_code
from pb.web.forms import Errors, Translate, check_email, clean_text

LANGUAGES = ("fi", "sv", "en")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PANEL_SIZE = 1_000
# The register is read in memory and inserted in one transaction; a municipality's whole address list fits.
MAX_REGISTER_ROWS = 200_000
MAX_REGISTER_BYTES = 20 * 1024 * 1024
SHOWN_LINE_ERRORS = 50
# Letters are laid out while the facilitator waits (about five a second, pb.eligibility.forms): a batch of 100
# stays well inside a proxy's usual 60-second timeout; a large mailing is printed in several batches.
MAX_LETTERS_PER_BATCH = 100
MAX_ADDRESS_KEY = 64
MAX_REMIT_LENGTH = 500
# Finnish postal codes have five digits (Posti); the register comes from Finnish registers.
POSTAL_CODE = re.compile(r"^\d{5}$")


def _names(data: Mapping[str, str], errors: Errors, _: Translate, prefix: str, limit: int) -> dict[str, str]:
    names = {language: " ".join(clean_text(data.get(f"{prefix}_{language}")).split()) for language in LANGUAGES}
    if not names["fi"]:
        errors.add(f"{prefix}_fi", _("Enter the name in Finnish."))
    for language, name in names.items():
        if len(name) > limit:
            errors.add(f"{prefix}_{language}", _("The name is too long."))
    return names


def _day(raw: str | None, errors: Errors, name: str, _: Translate) -> date | None:
    try:
        return date.fromisoformat(clean_text(raw))
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD, for example 2026-03-31."))
        return None


def _whole(raw: str | None, errors: Errors, name: str, _: Translate, *, least: int, most: int) -> int | None:
    text = clean_text(raw).replace(" ", "")
    if not text.isascii() or not text.isdigit() or not least <= int(text) <= most:
        errors.add(name, _("Enter a whole number from %(least)s to %(most)s.") % {"least": least, "most": most})
        return None
    return int(text)


# --- the panel ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelDetails:
    slug: str
    names: dict[str, str]
    remits: dict[str, str]
    descriptions: dict[str, str]
    commissioner: str
    size: int
    tolerance: int
    registration_closes_on: date
    first_session_on: date
    last_session_on: date
    is_published: bool

    def apply(self, panel: Panel) -> None:
        panel.slug = self.slug
        for language in LANGUAGES:
            setattr(panel, f"name_{language}", self.names[language])
            setattr(panel, f"remit_{language}", self.remits[language])
            setattr(panel, f"description_{language}", self.descriptions[language])
        panel.commissioner = self.commissioner
        panel.size = self.size
        panel.tolerance = self.tolerance
        panel.registration_closes_on = self.registration_closes_on
        panel.first_session_on = self.first_session_on
        panel.last_session_on = self.last_session_on
        panel.is_published = self.is_published


def parse_details(data: Mapping[str, str], _: Translate) -> tuple[PanelDetails | None, Errors]:
    errors = Errors()
    slug = clean_text(data.get("slug")).lower()
    if not slug:
        errors.add("slug", _("Enter a short web address, for example raati-2026."))
    elif len(slug) > 80 or not SLUG.match(slug):
        errors.add("slug", _("Use only lower-case letters a–z, digits and hyphens, for example raati-2026."))
    names = _names(data, errors, _, "name", 200)
    remits = {language: clean_text(data.get(f"remit_{language}")) for language in LANGUAGES}
    if not remits["fi"]:
        # OECD 2020, principle 1 (Purpose): the panel answers a clear question.
        errors.add("remit_fi", _("Enter the question the panel answers, in Finnish."))
    descriptions = {
        language: clean_text(data.get(f"description_{language}"), strip=False).strip() for language in LANGUAGES
    }
    for language in LANGUAGES:
        # The question is printed in both languages on a one-page letter (templates/panels/letters.html).
        if len(remits[language]) > MAX_REMIT_LENGTH:
            errors.add(f"remit_{language}", _("The question can be at most 500 characters long."))
        if len(descriptions[language]) > 20_000:
            errors.add(f"description_{language}", _("The description can be at most 20,000 characters long."))
    commissioner = " ".join(clean_text(data.get("commissioner")).split())
    if not commissioner:
        errors.add("commissioner", _("Enter the body that commissioned the panel, for example the city council."))
    elif len(commissioner) > 200:
        errors.add("commissioner", _("The name is too long."))
    size = _whole(data.get("size"), errors, "size", _, least=2, most=MAX_PANEL_SIZE)
    tolerance = _whole(data.get("tolerance"), errors, "tolerance", _, least=0, most=MAX_PANEL_SIZE)
    closes = _day(data.get("registration_closes_on"), errors, "registration_closes_on", _)
    first = _day(data.get("first_session_on"), errors, "first_session_on", _)
    last = _day(data.get("last_session_on"), errors, "last_session_on", _)
    if closes and first and first <= closes:
        errors.add("first_session_on", _("The first session must be after registration closes."))
    if first and last and last < first:
        errors.add("last_session_on", _("The last session cannot be before the first one."))
    if errors:
        return None, errors
    assert size is not None and tolerance is not None and closes and first and last
    details = PanelDetails(
        slug,
        names,
        remits,
        descriptions,
        commissioner,
        size,
        tolerance,
        closes,
        first,
        last,
        data.get("is_published") == "yes",
    )
    return details, errors


def parse_category(data: Mapping[str, str], _: Translate) -> tuple[dict[str, str], Errors]:
    errors = Errors()
    return _names(data, errors, _, "category", 120), errors


def parse_share(raw: str | None, errors: Errors, name: str, _: Translate) -> int | None:
    """A percentage as people write it ("23,5", "23.45 %") into hundredths of a percent."""
    text = clean_text(raw).replace("%", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", text)
    value = None if match is None else int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if value is None or value > 10_000:
        errors.add(name, _("Enter the share as a percentage from 0 to 100, for example 23,5."))
        return None
    return value


def parse_value(data: Mapping[str, str], _: Translate) -> tuple[tuple[dict[str, str], int], Errors]:
    errors = Errors()
    names = _names(data, errors, _, "value", 120)
    share = parse_share(data.get("share"), errors, "share", _)
    return (names, share or 0), errors


def quota_field(kind: str, value_id: int) -> str:
    return f"{kind}_{value_id}"


def parse_quotas(
    data: Mapping[str, str], _: Translate, categories: Sequence[PanelCategory], size: int
) -> tuple[dict[int, Bounds], Errors]:
    errors = Errors()
    bounds: dict[int, Bounds] = {}
    for category in categories:
        for value in category.values:
            low = _whole(
                data.get(quota_field("min", value.id)), errors, quota_field("min", value.id), _, least=0, most=size
            )
            high = _whole(
                data.get(quota_field("max", value.id)), errors, quota_field("max", value.id), _, least=0, most=size
            )
            if low is None or high is None:
                continue
            if low > high:
                errors.add(quota_field("max", value.id), _("The maximum cannot be smaller than the minimum."))
                continue
            bounds[value.id] = Bounds(low, high)
    return bounds, errors


def parse_facilitator(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    email = check_email(data.get("email"), errors, "email", _)
    return email, errors


def parse_privacy(data: Mapping[str, str], _: Translate) -> tuple[dict[str, str], Errors]:
    errors = Errors()
    texts = {language: clean_text(data.get(f"privacy_{language}"), strip=False).strip() for language in LANGUAGES}
    if not texts["fi"]:
        errors.add("privacy_fi", _("Enter the privacy text in Finnish."))
    for language, text in texts.items():
        if len(text) > 20_000:
            errors.add(f"privacy_{language}", _("The text can be at most 20,000 characters long."))
    return texts, errors


# --- the address register ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressRow:
    address_key: str
    street_address: str
    postal_code: str
    district: str


@dataclass
class RegisterFile:
    """A parsed register: its rows only when every line was valid, and the problems by line number."""

    file_sha256: str
    rows: list[AddressRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    line_errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.line_errors


class _Semicolon(csv.excel):
    delimiter = ";"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        # Excel in a Finnish locale writes semicolons, others commas.
        return csv.excel if sample.count(",") >= sample.count(";") else _Semicolon


def parse_register(raw: bytes, _: Translate) -> RegisterFile:
    """Reads "address id, street address, postal code, district" lines. A first line whose postal code is not
    five digits is taken as the column headings. Every problem is reported with its line number."""
    result = RegisterFile(file_sha256=hashlib.sha256(raw).hexdigest())
    try:
        # "utf-8-sig" drops the byte order mark Excel writes at the start of a "CSV UTF-8" file.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.file_errors.append(_("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”."))
        return result
    if not text.strip():
        result.file_errors.append(_("The file is empty."))
        return result
    seen: dict[str, int] = {}
    first_row = True
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        for cells in reader:
            line = reader.line_num
            values = [clean_text(cell) for cell in cells]
            if not any(values):
                continue
            # Spreadsheets add empty cells after the last column; an empty fourth cell is a missing district.
            while len(values) > 4 and not values[-1]:
                values.pop()
            is_first, first_row = first_row, False
            if len(values) != 4:
                if is_first and len(values) < 4:
                    result.file_errors.append(
                        _("Each line needs four columns: address id, street address, postal code and district.")
                    )
                    return result
                message = _(
                    "The line has %(num)s columns; it needs four: address id, street address, postal code and district."
                )
                result.line_errors.append((line, message % {"num": len(values)}))
                continue
            address_key, street, postal_code, district = values
            postal_code = postal_code.replace(" ", "")
            if is_first and not POSTAL_CODE.match(postal_code):
                continue  # the headings
            problems: list[str] = []
            if not address_key:
                problems.append(_("The address id is missing."))
            elif len(address_key) > MAX_ADDRESS_KEY:
                problems.append(_("The address id is longer than %(num)s characters.") % {"num": MAX_ADDRESS_KEY})
            elif address_key in seen:
                problems.append(_("The same address id is also on line %(line)s.") % {"line": seen[address_key]})
            if not street:
                problems.append(_("The street address is missing."))
            elif len(street) > 200:
                problems.append(_("The street address is longer than 200 characters."))
            if not POSTAL_CODE.match(postal_code):
                problems.append(_("The postal code must have five digits, for example 00100."))
            if not district:
                problems.append(_("The district is missing."))
            elif len(district) > 120:
                problems.append(_("The district is longer than 120 characters."))
            if problems:
                result.line_errors.append((line, " ".join(problems)))
                continue
            seen[address_key] = line
            result.rows.append(AddressRow(address_key, street, postal_code, district))
            if len(result.rows) > MAX_REGISTER_ROWS:
                result.file_errors.append(
                    _("The file has more than %(num)s addresses.") % {"num": f"{MAX_REGISTER_ROWS:,}"}
                )
                break
    except csv.Error:
        result.file_errors.append(_("The file could not be read as CSV (line %(line)s).") % {"line": reader.line_num})
    if not result.is_valid:
        result.rows = []
    elif not result.rows:
        result.file_errors.append(_("The file has no addresses."))
    return result


# --- the invitation lottery and the letters ---------------------------------------------------------------------


def parse_draw(data: Mapping[str, str], _: Translate, register_size: int) -> tuple[tuple[str, int], Errors]:
    errors = Errors()
    seed = clean_text(data.get("seed"))
    if len(seed) > 200:
        errors.add("seed", _("The random value can be at most 200 characters long."))
    count = _whole(data.get("count"), errors, "count", _, least=1, most=max(1, register_size))
    return (seed, count or 0), errors


def parse_letter_range(data: Mapping[str, str], _: Translate, invited: int) -> tuple[tuple[int, int], Errors]:
    errors = Errors()
    first = _whole(data.get("first"), errors, "first", _, least=1, most=max(1, invited))
    last = _whole(data.get("last"), errors, "last", _, least=1, most=max(1, invited))
    if first is not None and last is not None:
        if last < first:
            errors.add("last", _("The last letter cannot come before the first one."))
        elif last - first + 1 > MAX_LETTERS_PER_BATCH:
            errors.add("last", _("Print at most %(num)s letters at a time.") % {"num": MAX_LETTERS_PER_BATCH})
    return (first or 0, last or 0), errors


# --- registration ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationForm:
    code: str
    name: str
    email: str
    phone: str
    language: str
    answers: dict[str, str]  # category id -> value id, as text
    accessibility_needs: str
    dietary_needs: str
    available_all_sessions: bool
    availability_notes: str
    willing_reserve: bool
    privacy_version: int


def category_field(category_id: int) -> str:
    return f"category_{category_id}"


_PHONE = re.compile(r"^\+?[0-9 ()-]{5,30}$")


def parse_registration(
    data: Mapping[str, str], _: Translate, categories: Sequence[PanelCategory], privacy_version: int
) -> tuple[RegistrationForm, Errors]:
    errors = Errors()
    code = clean_text(data.get("code"))
    if not normalise_code(code):
        errors.add("code", _("Enter the registration code from your letter."))
    name = " ".join(clean_text(data.get("name")).split())
    if not name:
        errors.add("name", _("Enter your name."))
    elif len(name) > 200:
        errors.add("name", _("The name can be at most 200 characters long."))
    email = clean_text(data.get("email")).lower()
    phone = " ".join(clean_text(data.get("phone")).split())
    if not email and not phone:
        # The panel must be able to reach the person to tell them whether they were selected.
        errors.add("email", _("Enter an email address or a phone number, so that we can tell you the result."))
    if email:
        check_email(email, errors, "email", _)
    if phone and not _PHONE.match(phone):
        errors.add("phone", _("Enter the phone number with digits, for example 040 123 4567."))
    language = clean_text(data.get("language"))
    if language not in LANGUAGES:
        errors.add("language", _("Choose Finnish, Swedish or English."))
        language = "fi"
    answers: dict[str, str] = {}
    for category in categories:
        chosen = clean_text(data.get(category_field(category.id)))
        if chosen not in {str(value.id) for value in category.values}:
            errors.add(category_field(category.id), _("Choose one option."))
            continue
        answers[str(category.id)] = chosen
    texts = {
        name_: clean_text(data.get(name_), strip=False).strip()
        for name_ in ("accessibility_needs", "dietary_needs", "availability_notes")
    }
    for name_, text in texts.items():
        if len(text) > 2_000:
            errors.add(name_, _("The text can be at most 2,000 characters long."))
    if data.get("consent") != "yes":
        errors.add("consent", _("To register, agree to how your data is used."))
    elif clean_text(data.get("privacy_version")) != str(privacy_version):
        # The text changed while the form was open: the person must see the version they agree to.
        errors.add("consent", _("The privacy text has changed. Read it again and confirm."))
    form = RegistrationForm(
        code=code,
        name=name,
        email=email,
        phone=phone,
        language=language,
        answers=answers,
        accessibility_needs=texts["accessibility_needs"],
        dietary_needs=texts["dietary_needs"],
        available_all_sessions=data.get("available_all_sessions") == "yes",
        availability_notes=texts["availability_notes"],
        willing_reserve=data.get("willing_reserve") == "yes",
        privacy_version=privacy_version,
    )
    return form, errors
