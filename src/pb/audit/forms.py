"""The audit log's filter form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pb.audit.services import AuditFilter
from pb.web.forms import Errors, Translate, clean_text


def _day(raw: str | None, errors: Errors, name: str, _: Translate) -> date | None:
    text = clean_text(raw)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.add(name, _("Enter a date as YYYY-MM-DD, for example 2026-03-31."))
        return None


def parse_filter(query: dict[str, str], _: Translate, timezone: str) -> tuple[AuditFilter, Errors]:
    """Dates are days in the municipality's time zone; the filter works in UTC."""
    errors = Errors()
    zone = ZoneInfo(timezone)
    since = _day(query.get("since"), errors, "since", _)
    until = _day(query.get("until"), errors, "until", _)
    actor = clean_text(query.get("actor"))
    actor_id = int(actor) if actor.isdigit() and len(actor) < 12 else None
    if actor and actor_id is None:
        errors.add("actor", _("Choose a person from the list."))
    return (
        AuditFilter(
            actor_id=actor_id,
            action=clean_text(query.get("action"))[:64] or None,
            object_type=clean_text(query.get("object_type"))[:64] or None,
            object_id=clean_text(query.get("object_id"))[:64] or None,
            since=datetime.combine(since, time(), zone) if since else None,
            until=datetime.combine(until + timedelta(days=1), time(), zone) if until else None,
        ),
        errors,
    )
