"""Reading HTML form posts: raw text in, typed values or messages per field out (never a 500)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Request

from pb import i18n

MAX_FIELD_LENGTH = 10_000
Translate = Callable[[str], str]
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The first value of every field, as text. Multi-valued fields are read with ``read_form_lists``."""
    form = await request.form()
    values: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str) and key not in values:
            values[key] = value[:MAX_FIELD_LENGTH]
    return values


async def read_form_lists(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value[:MAX_FIELD_LENGTH])
    return values


def translator(request: Request[Any, Any, Any]) -> Translate:
    language = request.scope.get("state", {}).get("locale", "fi")
    return lambda message: i18n.gettext(language, message)


def language_of(request: Request[Any, Any, Any]) -> str:
    language = request.scope.get("state", {}).get("locale", "fi")
    return language if isinstance(language, str) else "fi"


@dataclass
class Errors:
    """Messages per field name, already in the user's language (WCAG 2.1 SC 3.3.1: errors identified in text)."""

    messages: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.messages.setdefault(name, message)

    def __bool__(self) -> bool:
        return bool(self.messages)


def clean_text(value: str | None, *, strip: bool = True) -> str:
    text = _CONTROL_CHARACTERS.sub("", value or "")
    return text.strip() if strip else text


# Deliberately simple: one @, no spaces, a dot in the domain. The verification email is the real check.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def check_email(raw: str | None, errors: Errors, name: str, _: Translate) -> str:
    value = clean_text(raw).lower()
    if not value:
        errors.add(name, _("Enter your email address."))
    elif len(value) > 254 or not _EMAIL.match(value):
        errors.add(name, _("Enter an email address in the form name@example.fi."))
    return value


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def check_new_password(raw: str | None, errors: Errors, name: str, _: Translate, *, email: str = "") -> str:
    # NIST SP 800-63B 5.1.1.2: length matters, composition rules do not; cap the length to bound hashing work.
    value = raw or ""
    if len(value) < MIN_PASSWORD_LENGTH:
        errors.add(name, _("Choose a password of at least 10 characters."))
    elif len(value) > MAX_PASSWORD_LENGTH:
        errors.add(name, _("The password can be at most 256 characters long."))
    elif email and value.strip().lower() == email.strip().lower():
        errors.add(name, _("The password cannot be your email address."))
    elif "\x00" in value:
        errors.add(name, _("The password contains a character that cannot be used."))
    return value


def check_display_name(raw: str | None, errors: Errors, name: str, _: Translate) -> str:
    value = " ".join(clean_text(raw).split())
    if not value:
        errors.add(name, _("Enter the name other people will see."))
    elif len(value) > 80:
        errors.add(name, _("The name can be at most 80 characters long."))
    return value


def check_language(raw: str | None, errors: Errors, name: str, _: Translate) -> str:
    value = clean_text(raw)
    if value not in i18n.LANGUAGE_NAMES:
        errors.add(name, _("Choose Finnish, Swedish or English."))
        return "fi"
    return value
