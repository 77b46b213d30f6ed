"""Forms of the lived-experience pages: raw text in, typed values or messages per field out (never a 500).

Messages are short and plain (selkokieli-minded): many experts fill these in with someone helping them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pb.db import MAX_ID
from pb.experts.models import (
    AvailabilityTime,
    Confidentiality,
    ConsentPurpose,
    FeeBasis,
    FeePreference,
    SignOffDecision,
)
from pb.i18n import N_
from pb.web.forms import Errors, Translate, check_email, clean_text

LANGUAGES = ("fi", "sv", "en")
WORKING_LANGUAGE_CODES = ("fi", "sv", "en", "se")
MAX_TEXT = 20_000
MAX_EXPERTS_WANTED = 50
MAX_EUROS = 100_000
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_id(raw: str | None) -> int | None:
    """A row number from a form or a query string, or None. ASCII digits only: ``str.isdigit`` also accepts "²",
    which ``int`` refuses, and ``int`` refuses more than 4300 digits (CPython's guard against slow conversion)."""
    text = (raw or "").strip()
    if not text or len(text) > len(str(MAX_ID)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def _first(data: Mapping[str, Sequence[str]] | Mapping[str, str], name: str) -> str:
    value = data.get(name)
    if isinstance(value, str) or value is None:
        return value or ""
    return value[0] if value else ""


def _text(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, limit: int, required: str = "") -> str:
    value = clean_text(data.get(name))
    if required and not value:
        errors.add(name, _(required))
    elif len(value) > limit:
        errors.add(name, _("This is too long: at most %(limit)s characters.") % {"limit": limit})
    return value


def parse_day(raw: str | None) -> date | None:
    """A date as YYYY-MM-DD (what a date field sends) or D.M.YYYY (how Finns write it by hand)."""
    text = clean_text(raw)
    iso = _ISO_DATE.match(text)
    finnish = _FINNISH_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if finnish:
            return date(int(finnish.group(3)), int(finnish.group(2)), int(finnish.group(1)))
    except ValueError:
        return None
    return None


def _day(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, required: bool = True) -> date | None:
    raw = clean_text(data.get(name))
    if not raw and not required:
        return None
    day = parse_day(raw)
    if day is None:
        errors.add(name, _("Enter a date, for example 31.3.2026."))
    return day


def _whole(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, least: int, most: int) -> int | None:
    text = clean_text(data.get(name)).replace(" ", "")
    # The length first: int() of thousands of digits is refused (see parse_id), and no bound here needs more.
    if len(text) > 9 or not text.isascii() or not text.isdigit() or not least <= int(text) <= most:
        errors.add(name, _("Enter a whole number from %(least)s to %(most)s.") % {"least": least, "most": most})
        return None
    return int(text)


def parse_cents(raw: str | None) -> int | None:
    """Euros as people write them ("25", "25,50", "1 500 €") into whole cents; None if it is not an amount."""
    text = clean_text(raw).replace("€", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    match = re.fullmatch(r"(\d{1,9})(?:\.(\d{1,2}))?", text)
    if match is None:
        return None
    return int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))


def _euros(
    data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, required: bool = True, zero: bool = False
) -> int | None:
    raw = clean_text(data.get(name))
    if not raw and not required:
        return None
    cents = parse_cents(raw)
    if cents is None or cents > MAX_EUROS * 100 or (cents == 0 and not zero):
        errors.add(name, _("Enter an amount in euros, for example 25 or 25,50."))
        return None
    return cents


def parse_basis_points(raw: str | None) -> int | None:
    """A percentage as written on a tax card ("25", "25,5 %") in hundredths of a percent (2550)."""
    text = clean_text(raw).replace("%", "").replace(" ", "").replace(",", ".")
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", text)
    if match is None:
        return None
    value = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return value if value <= 100_00 else None


def _names(data: Mapping[str, str], errors: Errors, _: Translate, prefix: str, limit: int) -> dict[str, str]:
    names = {language: " ".join(clean_text(data.get(f"{prefix}_{language}")).split()) for language in LANGUAGES}
    if not names["fi"]:
        errors.add(f"{prefix}_fi", _("Enter the name in Finnish."))
    for language, name in names.items():
        if len(name) > limit:
            errors.add(f"{prefix}_{language}", _("The name is too long."))
    return names


# --- group setup ---------------------------------------------------------------------------------------------


def parse_group(data: Mapping[str, str], _: Translate) -> tuple[dict[str, str], Errors]:
    errors = Errors()
    return _names(data, errors, _, "name", 200), errors


def parse_area(data: Mapping[str, str], _: Translate) -> tuple[dict[str, str], Errors]:
    errors = Errors()
    return _names(data, errors, _, "area", 160), errors


def parse_coordinator(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return check_email(data.get("email"), errors, "email", _), errors


def parse_consent_text(data: Mapping[str, str], _: Translate) -> tuple[tuple[ConsentPurpose, dict[str, str]], Errors]:
    errors = Errors()
    raw = clean_text(data.get("purpose"))
    purpose = ConsentPurpose.REGISTRY
    if raw not in {item.value for item in ConsentPurpose}:
        errors.add("purpose", _("Choose what the consent is for."))
    else:
        purpose = ConsentPurpose(raw)
    texts = {language: clean_text(data.get(f"consent_{language}")) for language in LANGUAGES}
    if not texts["fi"]:
        errors.add("consent_fi", _("Write the text in Finnish."))
    for language, text in texts.items():
        if len(text) > MAX_TEXT:
            errors.add(f"consent_{language}", _("The text is too long."))
    return (purpose, texts), errors


def parse_settings(data: Mapping[str, str], _: Translate) -> tuple[dict[str, int], Errors]:
    errors = Errors()
    values: dict[str, int] = {}
    limit = _euros(data, "earnings_limit", errors, _)
    values["earnings_limit_cents"] = limit or 0
    for name, least, most in (
        ("alert_percent", 1, 100),
        ("invitation_days", 1, 90),
        ("input_retention_days", 1, 3650),
        ("lapsed_retention_days", 1, 3650),
        ("ledger_retention_years", 1, 20),
    ):
        values[name] = _whole(data, name, errors, _, least=least, most=most) or 0
    return values, errors


# --- the registry --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteForm:
    email: str
    name: str
    language: str


def parse_invite(data: Mapping[str, str], _: Translate) -> tuple[InviteForm, Errors]:
    errors = Errors()
    email = check_email(data.get("email"), errors, "email", _)
    name = " ".join(_text(data, "name", errors, _, limit=200).split())
    language = clean_text(data.get("language"))
    if language not in LANGUAGES:
        errors.add("language", _("Choose Finnish, Swedish or English."))
        language = "fi"
    return InviteForm(email, name, language), errors


def parse_consent(data: Mapping[str, str], _: Translate, day: date, version: int) -> tuple[date | None, Errors]:
    """``version``: the text's version in use now. The form sends the version the expert read, and consent is
    recorded only to that text (GDPR Art. 7(1): the controller must show what exactly was agreed to)."""
    errors = Errors()
    if data.get("agree") != "yes":
        errors.add("agree", _("Tick the box if you agree. If you do not agree, you do not need to do anything."))
    elif data.get("version") != str(version):
        errors.add("agree", _("The text changed while you were reading it. Read the new version and agree again."))
    expires_on = _day(data, "expires_on", errors, _, required=False)
    if expires_on is not None and expires_on <= day:
        errors.add("expires_on", _("The date must be in the future."))
    return expires_on, errors


@dataclass(frozen=True)
class ProfileForm:
    name: str
    email: str
    phone: str
    preferred_language: str
    area_ids: frozenset[int]
    trained: bool
    training_details: str
    languages: tuple[str, ...]
    other_languages: str
    availability: tuple[str, ...]
    remote_ok: bool
    unavailable_until: date | None
    access_needs: str
    fee_preference: FeePreference
    association_name: str
    withholding_basis_points: int
    has_earnings_limit: bool
    earnings_limit_cents: int | None


def parse_profile(
    lists: Mapping[str, Sequence[str]], _: Translate, offered_area_ids: set[int], kept_area_ids: set[int]
) -> tuple[ProfileForm, Errors]:
    """``kept_area_ids``: retired areas the expert already has, which stay allowed until they untick them."""
    data = {key: _first(lists, key) for key in lists}
    errors = Errors()
    name = " ".join(_text(data, "name", errors, _, limit=200, required=N_("Enter your name.")).split())
    email = check_email(data.get("email"), errors, "email", _)
    phone = _text(data, "phone", errors, _, limit=40)
    if phone and not re.fullmatch(r"\+?[0-9 ()-]{5,40}", phone):
        errors.add("phone", _("Enter a phone number with digits, for example 040 123 4567."))
    language = clean_text(data.get("preferred_language"))
    if language not in LANGUAGES:
        errors.add("preferred_language", _("Choose Finnish, Swedish or English."))
        language = "fi"
    area_ids: set[int] = set()
    for raw in lists.get("areas", []):
        area_id = parse_id(raw)
        if area_id is None or area_id not in offered_area_ids | kept_area_ids:
            errors.add("areas", _("Choose areas from the list."))
        else:
            area_ids.add(area_id)
    if not area_ids:
        errors.add("areas", _("Choose at least one area you have experience of."))
    languages = tuple(code for code in WORKING_LANGUAGE_CODES if code in set(lists.get("languages", [])))
    times = tuple(item.value for item in AvailabilityTime if item.value in set(lists.get("availability", [])))
    fee_raw = clean_text(data.get("fee_preference"))
    fee = FeePreference.FEE
    if fee_raw not in {item.value for item in FeePreference}:
        errors.add("fee_preference", _("Choose how you want the fee to be paid."))
    else:
        fee = FeePreference(fee_raw)
    association = _text(data, "association_name", errors, _, limit=200)
    if fee is FeePreference.ASSOCIATION and not association:
        errors.add("association_name", _("Write the name of the association."))
    withholding = 0
    if fee is FeePreference.FEE:
        parsed = parse_basis_points(data.get("withholding"))
        if parsed is None:
            errors.add("withholding", _("Write the percentage from your tax card, for example 25 or 25,5."))
        else:
            withholding = parsed
    has_limit = data.get("has_earnings_limit") == "yes"
    own_limit = _euros(data, "earnings_limit", errors, _, required=False) if has_limit else None
    form = ProfileForm(
        name=name,
        email=email,
        phone=phone,
        preferred_language=language,
        area_ids=frozenset(area_ids),
        trained=data.get("trained") == "yes",
        training_details=_text(data, "training_details", errors, _, limit=2000),
        languages=languages,
        other_languages=_text(data, "other_languages", errors, _, limit=200),
        availability=times,
        remote_ok=data.get("remote_ok") == "yes",
        unavailable_until=_day(data, "unavailable_until", errors, _, required=False),
        access_needs=_text(data, "access_needs", errors, _, limit=2000),
        fee_preference=fee,
        association_name=association if fee is FeePreference.ASSOCIATION else "",
        withholding_basis_points=withholding,
        has_earnings_limit=has_limit,
        earnings_limit_cents=own_limit,
    )
    return form, errors


# --- assignments ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestForm:
    group_id: int
    department: str
    topic: str
    questions: str
    starts_on: date
    ends_on: date
    experts_wanted: int
    confidentiality: Confidentiality


def _request_fields(data: Mapping[str, str], errors: Errors, _: Translate, day: date) -> dict[str, object]:
    topic = " ".join(_text(data, "topic", errors, _, limit=200, required=N_("Write the topic.")).split())
    questions = _text(
        data, "questions", errors, _, limit=MAX_TEXT, required=N_("Write what you want to ask the experts.")
    )
    starts_on = _day(data, "starts_on", errors, _)
    ends_on = _day(data, "ends_on", errors, _)
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", _("The end cannot be before the start."))
    wanted = _whole(data, "experts_wanted", errors, _, least=1, most=MAX_EXPERTS_WANTED)
    raw = clean_text(data.get("confidentiality"))
    confidentiality = Confidentiality.SECRET
    if raw not in {item.value for item in Confidentiality}:
        errors.add("confidentiality", _("Choose whether the topic is public or secret."))
    else:
        confidentiality = Confidentiality(raw)
    return {
        "topic": topic,
        "questions": questions,
        "starts_on": starts_on or day,
        "ends_on": ends_on or day,
        "experts_wanted": wanted or 1,
        "confidentiality": confidentiality,
    }


def parse_request(data: Mapping[str, str], _: Translate, group_ids: set[int], day: date) -> tuple[RequestForm, Errors]:
    errors = Errors()
    group_id = parse_id(data.get("group_id")) or 0
    if group_id not in group_ids:
        errors.add("group_id", _("Choose the expert group."))
    department = _text(
        data, "department", errors, _, limit=200, required=N_("Write the name of your department or unit.")
    )
    fields = _request_fields(data, errors, _, day)
    if not errors.messages.get("starts_on") and fields["starts_on"] < day:  # type: ignore[operator]
        errors.add("starts_on", _("The start cannot be in the past."))
    return RequestForm(group_id=group_id, department=department, **fields), errors  # type: ignore[arg-type]


@dataclass(frozen=True)
class AssignmentDetails:
    department: str
    topic: str
    questions: str
    starts_on: date
    ends_on: date
    experts_wanted: int
    confidentiality: Confidentiality
    fee_basis: FeeBasis
    fee_rate_cents: int
    agreement_text: str


def parse_assignment(data: Mapping[str, str], _: Translate, day: date) -> tuple[AssignmentDetails, Errors]:
    errors = Errors()
    department = _text(data, "department", errors, _, limit=200)
    fields = _request_fields(data, errors, _, day)
    raw = clean_text(data.get("fee_basis"))
    basis = FeeBasis.SESSION
    if raw not in {item.value for item in FeeBasis}:
        errors.add("fee_basis", _("Choose whether the fee is per session or per hour."))
    else:
        basis = FeeBasis(raw)
    rate = _euros(data, "fee_rate", errors, _, zero=True)
    agreement = _text(
        data, "agreement_text", errors, _, limit=MAX_TEXT, required=N_("Write the confidentiality agreement.")
    )
    details = AssignmentDetails(
        department=department,
        fee_basis=basis,
        fee_rate_cents=rate or 0,
        agreement_text=agreement,
        **fields,  # type: ignore[arg-type]
    )
    return details, errors


def parse_decision_note(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return _text(data, "decision_note", errors, _, limit=2000), errors


@dataclass(frozen=True)
class SearchForm:
    area_ids: frozenset[int]
    times: frozenset[str]
    language: str
    trained_only: bool
    remote_only: bool


def parse_search(lists: Mapping[str, Sequence[str]], area_ids: set[int]) -> SearchForm:
    """A search is a GET: what cannot be understood is simply not a filter."""
    chosen = {area_id for area_id in map(parse_id, lists.get("area", [])) if area_id in area_ids}
    times = {raw for raw in lists.get("time", []) if raw in {item.value for item in AvailabilityTime}}
    language = _first(lists, "language")
    return SearchForm(
        area_ids=frozenset(chosen),
        times=frozenset(times),
        language=language if language in WORKING_LANGUAGE_CODES else "",
        trained_only=_first(lists, "trained") == "yes",
        remote_only=_first(lists, "remote") == "yes",
    )


def parse_chosen_experts(lists: Mapping[str, Sequence[str]], _: Translate) -> tuple[list[int], Errors]:
    errors = Errors()
    chosen = sorted({expert_id for expert_id in map(parse_id, lists.get("expert", [])) if expert_id is not None})
    if not chosen:
        errors.add("expert", _("Tick at least one expert to invite."))
    return chosen, errors


def parse_answer(data: Mapping[str, str], _: Translate, agreement_version: int) -> tuple[bool, Errors]:
    """True: the expert accepts (and must accept the confidentiality agreement with it). The form sends the
    agreement's version the expert read; if the coordinator changed it meanwhile, they read it again first, so
    the record names the text they accepted."""
    errors = Errors()
    accept = data.get("answer") == "accept"
    if data.get("answer") not in {"accept", "decline"}:
        errors.add("answer", _("Choose yes or no."))
    elif accept and data.get("agreement") != "yes":
        errors.add("agreement", _("To take part, tick the box to accept the confidentiality agreement."))
    elif accept and data.get("agreement_version") != str(agreement_version):
        errors.add(
            "agreement", _("The agreement changed while you were reading it. Read the new version and tick the box.")
        )
    return accept, errors


@dataclass(frozen=True)
class SessionForm:
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str


def parse_session(data: Mapping[str, str], _: Translate, timezone: str) -> tuple[SessionForm, Errors]:
    errors = Errors()
    title = _text(data, "title", errors, _, limit=200, required=N_("Write a name for the session."))
    day = _day(data, "date", errors, _)
    match = _TIME.match(clean_text(data.get("time")))
    at: time | None = None
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        at = time(int(match.group(1)), int(match.group(2)))
    else:
        errors.add("time", _("Enter a time, for example 17:30."))
    duration = _whole(data, "duration_minutes", errors, _, least=15, most=600)
    place = _text(data, "place", errors, _, limit=200)
    # Entered in the municipality's time zone, stored in UTC (STYLE.md, Data).
    starts_at = datetime.combine(day or date(2000, 1, 1), at or time(0), tzinfo=ZoneInfo(timezone))
    return SessionForm(title, starts_at, duration or 0, place), errors


def parse_attendance(
    lists: Mapping[str, Sequence[str]], expert_ids: Sequence[int], default_minutes: int
) -> dict[int, tuple[bool, int]]:
    """Who came and for how long, per expert; an unreadable number of minutes counts the whole session."""
    present = {raw for raw in lists.get("attended", [])}
    result: dict[int, tuple[bool, int]] = {}
    for expert_id in expert_ids:
        given = parse_id(_first(lists, f"minutes_{expert_id}"))
        minutes = given if given is not None and given <= 24 * 60 else default_minutes
        attended = str(expert_id) in present
        result[expert_id] = (attended, minutes if attended else 0)
    return result


# --- notes, input, summaries ---------------------------------------------------------------------------------


def parse_body(data: Mapping[str, str], _: Translate, required: str) -> tuple[str, Errors]:
    errors = Errors()
    return _text(data, "body", errors, _, limit=MAX_TEXT, required=required), errors


@dataclass(frozen=True)
class SummaryForm:
    themes: str
    recommendations: str
    quotes: str


def parse_summary(data: Mapping[str, str], _: Translate) -> tuple[SummaryForm, Errors]:
    errors = Errors()
    themes = _text(data, "themes", errors, _, limit=MAX_TEXT, required=N_("Write the themes you heard."))
    recommendations = _text(data, "recommendations", errors, _, limit=MAX_TEXT)
    quotes = _text(data, "quotes", errors, _, limit=MAX_TEXT)
    return SummaryForm(themes, recommendations, quotes), errors


def parse_signoff(
    data: Mapping[str, str], _: Translate, content_sha256: str
) -> tuple[tuple[SignOffDecision, str], Errors]:
    """``content_sha256``: the digest of the summary's text now. The form sends the digest of the text the expert
    read; an answer counts only for that exact text (docs/lived-experience.md, Summaries), so an edit made while
    they were reading asks them to read again."""
    errors = Errors()
    raw = clean_text(data.get("decision"))
    decision = SignOffDecision.APPROVED
    if raw not in {item.value for item in SignOffDecision}:
        errors.add("decision", _("Choose whether the summary can be published."))
    else:
        decision = SignOffDecision(raw)
        if data.get("content_sha256") != content_sha256:
            errors.add("decision", _("The summary changed while you were reading it. Read it again and answer."))
    comment = _text(data, "comment", errors, _, limit=4000)
    if decision is SignOffDecision.CHANGES and not comment and "decision" not in errors.messages:
        errors.add("comment", _("Write what should change."))
    return (decision, comment), errors


# --- compensation --------------------------------------------------------------------------------------------


# The years the ledger can show: pb keeps no lines from before 2000, and a year past 2100 is a typing slip.
LEDGER_YEARS = (2000, 2100)


def parse_year(raw: str | None, _: Translate) -> tuple[int | None, Errors]:
    """The ledger's year filter (a GET form): None and no message when it is not given."""
    errors = Errors()
    text = clean_text(raw)
    if not text:
        return None, errors
    year = parse_id(text)
    if year is None or not LEDGER_YEARS[0] <= year <= LEDGER_YEARS[1]:
        errors.add(
            "year", _("Enter a year from %(least)s to %(most)s.") % {"least": LEDGER_YEARS[0], "most": LEDGER_YEARS[1]}
        )
        return None, errors
    return year, errors


def parse_fee_session(data: Mapping[str, str], _: Translate, session_ids: set[int]) -> tuple[int, Errors]:
    errors = Errors()
    session_id = parse_id(data.get("session_id"))
    if session_id is None or session_id not in session_ids:
        errors.add("session_id", _("Choose a session."))
        return 0, errors
    return session_id, errors


@dataclass(frozen=True)
class ExpenseForm:
    expert_id: int
    description: str
    amount_cents: int
    spent_on: date


def parse_expense(data: Mapping[str, str], _: Translate, expert_ids: set[int]) -> tuple[ExpenseForm, Errors]:
    errors = Errors()
    expert_id = parse_id(data.get("expert_id"))
    if expert_id is None or expert_id not in expert_ids:
        errors.add("expert_id", _("Choose the expert."))
    description = _text(data, "description", errors, _, limit=200, required=N_("Write what the expense was for."))
    amount = _euros(data, "amount", errors, _)
    spent_on = _day(data, "spent_on", errors, _)
    form = ExpenseForm(expert_id or 0, description, amount or 0, spent_on or date(2000, 1, 1))
    return form, errors
