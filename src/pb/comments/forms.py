"""Reading the comment form: text and stance in, typed values or messages per field out."""

from __future__ import annotations

from dataclasses import dataclass

from pb.comments.models import Stance
from pb.web.forms import Errors, Translate, clean_text

MAX_BODY_LENGTH = 5000


@dataclass(frozen=True)
class CommentForm:
    body: str
    stance: str


def parse_comment(data: dict[str, str], _: Translate) -> tuple[CommentForm, Errors]:
    errors = Errors()
    body = clean_text(data.get("body"))
    if not body:
        errors.add("body", _("Write your comment."))
    elif len(body) > MAX_BODY_LENGTH:
        errors.add("body", _("A comment can be at most 5,000 characters long."))
    stance = clean_text(data.get("stance")) or Stance.NEUTRAL.value
    if stance not in {item.value for item in Stance}:
        errors.add("stance", _("Choose whether you are in favour, against or neutral."))
        stance = Stance.NEUTRAL.value
    return CommentForm(body, stance), errors


def parse_vote(data: dict[str, str]) -> bool:
    """True to up-vote, False to take the up-vote back (an explicit value, so a double click is harmless)."""
    return clean_text(data.get("vote")) != "undo"
