"""Forms of the selection and the panel's work: the draw's public random value, retention periods, sessions,
materials, hearings, recommendations and votes, and the council's response. Raw text in, typed values or
messages per field out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pb.web.forms import Errors, Translate, clean_text

MAX_RANDOM_VALUE = 500
MAX_MATERIAL_BYTES = 10 * 1024 * 1024
# Formats a member can open without special software (and that browsers do not run as pages).
MATERIAL_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
SCORES = (1, 2, 3, 4, 5)
DECISIONS = ("accepted", "partly", "rejected", "further_study")
STAGES = ("drafting", "voting", "final")
MAX_TABLES = 50


def _text(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, limit: int, required: str = "") -> str:
    value = clean_text(data.get(name), strip=False).strip()
    if required and not value:
        errors.add(name, required)
    elif len(value) > limit:
        errors.add(name, _("The text can be at most %(num)s characters long.") % {"num": f"{limit:,}"})
    return value


def _line(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, limit: int, required: str = "") -> str:
    value = " ".join(clean_text(data.get(name)).split())
    if required and not value:
        errors.add(name, required)
    elif len(value) > limit:
        errors.add(name, _("The text can be at most %(num)s characters long.") % {"num": f"{limit:,}"})
    return value


def _whole(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, least: int, most: int) -> int:
    text = clean_text(data.get(name)).replace(" ", "")
    if not text.isascii() or not text.isdigit() or not least <= int(text) <= most:
        errors.add(name, _("Enter a whole number from %(least)s to %(most)s.") % {"least": least, "most": most})
        return least
    return int(text)


def _day(data: Mapping[str, str], name: str, errors: Errors, _: Translate, *, required: bool = True) -> date | None:
    text = clean_text(data.get(name))
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD, for example 2026-03-31."))
        return None


def _clock(data: Mapping[str, str], name: str, errors: Errors, _: Translate) -> time | None:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", clean_text(data.get(name)))
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        errors.add(name, _("Enter a time as HH:MM, for example 17:30."))
        return None
    return time(int(match.group(1)), int(match.group(2)))


# --- selection ----------------------------------------------------------------------------------------------------


def parse_random_value(data: Mapping[str, str], _: Translate) -> tuple[tuple[str, str], Errors]:
    errors = Errors()
    value = _line(
        data,
        "random_value",
        errors,
        _,
        limit=MAX_RANDOM_VALUE,
        required=_("Enter the public random value, for example the witnessed dice throws."),
    )
    source = _text(
        data,
        "random_value_source",
        errors,
        _,
        limit=2_000,
        required=_("Say where the value comes from, so that others can check it."),
    )
    return (value, source), errors


def parse_retention(data: Mapping[str, str], _: Translate) -> tuple[tuple[int, int], Errors]:
    errors = Errors()
    unselected = _whole(data, "unselected_retention_days", errors, _, least=0, most=3650)
    members = _whole(data, "member_retention_days", errors, _, least=0, most=3650)
    return (unselected, members), errors


# --- sessions, materials, hearings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionForm:
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    agenda: str


def parse_session(data: Mapping[str, str], _: Translate, timezone: str) -> tuple[SessionForm | None, Errors]:
    """Dates and times are entered in the municipality's time zone and stored in UTC (STYLE.md, Data)."""
    errors = Errors()
    day = _day(data, "day", errors, _)
    starts = _clock(data, "starts", errors, _)
    ends = _clock(data, "ends", errors, _)
    place = _line(data, "place", errors, _, limit=300)
    link = _line(data, "online_link", errors, _, limit=500)
    if link and not re.match(r"^https://\S+$", link):
        errors.add("online_link", _("Enter a web address that starts with https://."))
    if not place and not link:
        errors.add("place", _("Enter the place, an online link, or both."))
    agenda = _text(data, "agenda", errors, _, limit=20_000)
    if day and starts and ends and ends <= starts:
        errors.add("ends", _("The session must end after it starts."))
    if errors or day is None or starts is None or ends is None:
        return None, errors
    zone = ZoneInfo(timezone)
    return (
        SessionForm(
            datetime.combine(day, starts, zone),
            datetime.combine(day, ends, zone),
            place,
            link,
            agenda,
        ),
        errors,
    )


def parse_notes(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return _text(data, "facilitator_notes", errors, _, limit=50_000), errors


def parse_tables(data: Mapping[str, str], _: Translate) -> tuple[int, Errors]:
    errors = Errors()
    return _whole(data, "tables", errors, _, least=1, most=MAX_TABLES), errors


@dataclass(frozen=True)
class MaterialForm:
    title: str
    description: str
    perspective: str
    session_id: int | None


def parse_material(
    data: Mapping[str, str], _: Translate, file_name: str, size: int, session_ids: set[int]
) -> tuple[MaterialForm | None, str, Errors]:
    """Returns the form, the file's media type (from its extension, from a fixed list) and the errors."""
    errors = Errors()
    title = _line(data, "title", errors, _, limit=300, required=_("Enter a title."))
    description = _text(data, "description", errors, _, limit=5_000)
    perspective = _line(
        data,
        "perspective",
        errors,
        _,
        limit=300,
        required=_(
            "Say whose perspective the material presents, for example the city's planners or a residents' association."
        ),
    )
    session_id = _session_choice(data, errors, _, session_ids)
    media_type = ""
    if not file_name or size == 0:
        errors.add("file", _("Choose the file."))
    else:
        extension = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
        media_type = MATERIAL_TYPES.get(extension, "")
        if not media_type:
            errors.add("file", _("Use a PDF, text, OpenDocument, Word, PNG or JPEG file."))
        elif size > MAX_MATERIAL_BYTES:
            errors.add("file", _("The file can be at most 10 MB."))
    if errors:
        return None, media_type, errors
    return MaterialForm(title, description, perspective, session_id), media_type, errors


def _session_choice(
    data: Mapping[str, str], errors: Errors, _: Translate, session_ids: set[int], name: str = "session_id"
) -> int | None:
    raw = clean_text(data.get(name))
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in session_ids:
        errors.add(name, _("Choose one of the sessions."))
        return None
    return int(raw)


@dataclass(frozen=True)
class HearingForm:
    speaker: str
    affiliation: str
    declared_interests: str
    questions: str
    session_id: int | None


def parse_hearing(data: Mapping[str, str], _: Translate, session_ids: set[int]) -> tuple[HearingForm | None, Errors]:
    errors = Errors()
    speaker = _line(data, "speaker", errors, _, limit=200, required=_("Enter the speaker's name."))
    affiliation = _line(data, "affiliation", errors, _, limit=300)
    interests = _text(
        data,
        "declared_interests",
        errors,
        _,
        limit=5_000,
        required=_("Enter the interests the speaker declared, or “none”."),
    )
    questions = _text(data, "questions", errors, _, limit=20_000)
    session_id = _session_choice(data, errors, _, session_ids, "hearing_session_id")
    if errors:
        return None, errors
    return HearingForm(speaker, affiliation, interests, questions, session_id), errors


# --- recommendations ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationForm:
    title: str
    body: str
    rationale: str


def parse_recommendation(data: Mapping[str, str], _: Translate) -> tuple[RecommendationForm, Errors]:
    errors = Errors()
    title = _line(data, "title", errors, _, limit=300, required=_("Enter a short title."))
    body = _text(data, "body", errors, _, limit=20_000, required=_("Write the recommendation."))
    rationale = _text(data, "rationale", errors, _, limit=20_000, required=_("Write why the panel recommends it."))
    return RecommendationForm(title, body, rationale), errors


def parse_comment(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return _text(data, "comment", errors, _, limit=10_000, required=_("Write the comment.")), errors


def parse_statement(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return _text(data, "statement", errors, _, limit=10_000, required=_("Write the minority statement.")), errors


def parse_score(data: Mapping[str, str], _: Translate) -> tuple[int, Errors]:
    errors = Errors()
    raw = clean_text(data.get("score"))
    if raw not in {str(score) for score in SCORES}:
        errors.add("score", _("Choose one of the five options."))
        return 0, errors
    return int(raw), errors


def parse_stage(data: Mapping[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    stage = clean_text(data.get("stage"))
    if stage not in STAGES:
        errors.add("stage", _("Choose a stage."))
    return stage, errors


# --- the council's response ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseForm:
    decision: str
    reasoning: str
    responsible_body: str
    deadline: date | None
    decision_reference: str


def parse_response(data: Mapping[str, str], _: Translate) -> tuple[ResponseForm | None, Errors]:
    errors = Errors()
    decision = clean_text(data.get("decision"))
    if decision not in DECISIONS:
        errors.add("decision", _("Choose the decision."))
    reasoning = _text(data, "reasoning", errors, _, limit=20_000, required=_("Give the reasons for the decision."))
    body = _line(data, "responsible_body", errors, _, limit=300)
    if decision in {"accepted", "partly", "further_study"} and not body:
        errors.add("responsible_body", _("Name who is responsible for carrying it out."))
    deadline = _day(data, "deadline", errors, _, required=False)
    reference = _line(data, "decision_reference", errors, _, limit=200)
    if errors:
        return None, errors
    return ResponseForm(decision, reasoning, body, deadline, reference), errors


def parse_update(data: Mapping[str, str], _: Translate) -> tuple[tuple[date | None, str], Errors]:
    errors = Errors()
    day = _day(data, "on", errors, _)
    text = _text(data, "text", errors, _, limit=10_000, required=_("Describe the progress."))
    return (day, text), errors
