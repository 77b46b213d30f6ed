"""Reading the notification settings and account deletion forms."""

from __future__ import annotations

from dataclasses import dataclass

from pb.privacy.deletion import ContentChoice
from pb.privacy.notifications import Topic
from pb.web.forms import Errors, Translate


def parse_notifications(data: dict[str, str]) -> dict[Topic, bool]:
    # An unticked checkbox is not sent at all, so absence means "no".
    return {topic: data.get(topic.value) == "yes" for topic in Topic}


@dataclass(frozen=True)
class Deletion:
    password: str
    content: ContentChoice


def parse_deletion(data: dict[str, str], _: Translate) -> tuple[Deletion, Errors]:
    errors = Errors()
    raw_choice = data.get("content", "")
    if raw_choice not in {choice.value for choice in ContentChoice}:
        errors.add("content", _("Choose what happens to your proposals and comments."))
    # Passwords are taken as typed (no trimming): spaces may be part of them.
    password = data.get("password", "")
    if not password:
        errors.add("password", _("Enter your password."))
    content = ContentChoice(raw_choice) if raw_choice in set(ContentChoice) else ContentChoice.KEEP
    return Deletion(password, content), errors
