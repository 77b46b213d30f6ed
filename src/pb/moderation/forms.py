"""Reading the report form and the moderators' decision forms."""

from __future__ import annotations

from dataclasses import dataclass

from pb.moderation.models import ReportReason
from pb.web.forms import Errors, Translate, clean_text

MAX_DETAILS_LENGTH = 2000
MAX_REASON_LENGTH = 500  # the columns hidden_reason, UserBlock.reason and lift_reason


@dataclass(frozen=True)
class ReportForm:
    reason: str
    details: str


def parse_report(data: dict[str, str], _: Translate) -> tuple[ReportForm, Errors]:
    errors = Errors()
    reason = clean_text(data.get("reason"))
    if reason not in {item.value for item in ReportReason}:
        errors.add("reason", _("Choose why you are reporting this."))
    details = clean_text(data.get("details"))
    if len(details) > MAX_DETAILS_LENGTH:
        errors.add("details", _("The description can be at most 2,000 characters long."))
    elif reason == ReportReason.OTHER and not details:
        errors.add("details", _("Tell the moderators what is wrong."))
    return ReportForm(reason, details), errors


def parse_public_reason(data: dict[str, str], _: Translate) -> tuple[str, Errors]:
    """A moderator's reason, shown to the public (hiding) or kept in the audit log (restoring, blocking)."""
    errors = Errors()
    reason = " ".join(clean_text(data.get("reason")).split())
    if not reason:
        errors.add("reason", _("Give a reason. It is shown to the public and kept in the audit log."))
    elif len(reason) > MAX_REASON_LENGTH:
        errors.add("reason", _("The reason can be at most 500 characters long."))
    return reason, errors
