"""Admin forms: the role checkboxes and the list filters."""

from __future__ import annotations

from pb.accounts.models import Role
from pb.web.forms import Errors, Translate, clean_text


def parse_roles(values: list[str], _: Translate, *, editing_self: bool) -> tuple[set[Role], Errors]:
    errors = Errors()
    roles: set[Role] = set()
    for value in values:
        try:
            roles.add(Role(value))
        except ValueError:
            errors.add("roles", _("Choose roles from the list."))
    if editing_self and Role.ADMIN not in roles:
        # Keeps at least one admin able to manage roles: nobody removes their own admin role.
        errors.add("roles", _("You cannot remove your own admin role. Ask another admin to do it."))
    return roles, errors


def parse_role_filter(raw: str | None) -> Role | None:
    try:
        return Role(clean_text(raw)) if raw else None
    except ValueError:
        return None


def parse_page(raw: str | None) -> int:
    text = clean_text(raw)
    return int(text) if text.isdigit() and len(text) < 7 else 1
