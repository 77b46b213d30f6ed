"""The account forms: parse and validate posted fields into typed values or messages per field."""

from __future__ import annotations

from dataclasses import dataclass

from pb.web.forms import (
    Errors,
    Translate,
    check_display_name,
    check_email,
    check_language,
    check_new_password,
    clean_text,
)


@dataclass(frozen=True)
class RegisterForm:
    email: str
    display_name: str
    password: str
    language: str


def parse_register(data: dict[str, str], _: Translate) -> tuple[RegisterForm, Errors]:
    errors = Errors()
    email = check_email(data.get("email"), errors, "email", _)
    display_name = check_display_name(data.get("display_name"), errors, "display_name", _)
    password = check_new_password(data.get("password"), errors, "password", _, email=email)
    if not errors.messages.get("password") and data.get("password_again", "") != password:
        errors.add("password_again", _("The passwords do not match."))
    language = check_language(data.get("language"), errors, "language", _)
    if data.get("accept_terms") != "yes":
        errors.add("accept_terms", _("Read and accept the privacy notice to create an account."))
    return RegisterForm(email, display_name, password, language), errors


@dataclass(frozen=True)
class LoginForm:
    email: str
    password: str


def parse_login(data: dict[str, str], _: Translate) -> tuple[LoginForm, Errors]:
    errors = Errors()
    email = check_email(data.get("email"), errors, "email", _)
    password = data.get("password") or ""
    if not password:
        errors.add("password", _("Enter your password."))
    return LoginForm(email, password[:1024]), errors


def parse_reset_request(data: dict[str, str], _: Translate) -> tuple[str, Errors]:
    errors = Errors()
    return check_email(data.get("email"), errors, "email", _), errors


def parse_new_password(data: dict[str, str], _: Translate, email: str) -> tuple[str, Errors]:
    errors = Errors()
    password = check_new_password(data.get("password"), errors, "password", _, email=email)
    if not errors.messages.get("password") and data.get("password_again", "") != password:
        errors.add("password_again", _("The passwords do not match."))
    return password, errors


@dataclass(frozen=True)
class ProfileForm:
    display_name: str
    language: str


def parse_profile(data: dict[str, str], _: Translate) -> tuple[ProfileForm, Errors]:
    errors = Errors()
    display_name = check_display_name(data.get("display_name"), errors, "display_name", _)
    language = check_language(data.get("language"), errors, "language", _)
    return ProfileForm(display_name, language), errors


def parse_email_change(data: dict[str, str], _: Translate, current_email: str) -> tuple[str, Errors]:
    errors = Errors()
    email = check_email(data.get("new_email"), errors, "new_email", _)
    if not errors and email == current_email:
        errors.add("new_email", _("This is already your email address."))
    return email, errors


@dataclass(frozen=True)
class PasswordChangeForm:
    current: str
    new: str


def parse_password_change(data: dict[str, str], _: Translate, email: str) -> tuple[PasswordChangeForm, Errors]:
    errors = Errors()
    current = data.get("current_password") or ""
    if not current:
        errors.add("current_password", _("Enter your current password."))
    new = check_new_password(data.get("new_password"), errors, "new_password", _, email=email)
    if not errors.messages.get("new_password") and data.get("new_password_again", "") != new:
        errors.add("new_password_again", _("The passwords do not match."))
    return PasswordChangeForm(current[:1024], new), errors


def safe_next(raw: str | None) -> str:
    """Only local paths are followed after login (no open redirect)."""
    value = clean_text(raw)
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"
