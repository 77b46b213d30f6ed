"""Reading a person's identifier and birth date as staff type them (assisted voting and the paper register)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pb.voting.secrecy import normalise_identifier
from pb.web.forms import Errors, Translate, clean_text

# Finnish identity codes are 11 characters; other identifiers a census may use are kept short too.
MAX_IDENTIFIER_LENGTH = 30
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


@dataclass(frozen=True)
class Person:
    """What staff read from an identity document: never stored, only hashed (pb.voting.secrecy.Keys.person)."""

    identifier: str
    birth_date: date


def parse_birth_date(raw: str | None, errors: Errors, name: str, _: Translate) -> date | None:
    """A date as Finnish staff write it (15.5.1990), or as a date field sends it (1990-05-15)."""
    text = clean_text(raw).replace(" ", "")
    if not text:
        errors.add(name, _("Enter the birth date."))
        return None
    try:
        finnish = _FINNISH_DATE.fullmatch(text)
        if finnish:
            day, month, year = (int(part) for part in finnish.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        pass
    errors.add(name, _("Enter the birth date as day.month.year, for example 15.5.1990."))
    return None


def parse_person(data: dict[str, str], errors: Errors, _: Translate) -> Person | None:
    identifier = normalise_identifier(clean_text(data.get("identifier")))
    if not identifier:
        errors.add("identifier", _("Enter the personal identity code from the identity document."))
    elif len(identifier) > MAX_IDENTIFIER_LENGTH:
        errors.add("identifier", _("The personal identity code is too long. Check what you typed."))
    birth_date = parse_birth_date(data.get("birth_date"), errors, "birth_date", _)
    if errors or birth_date is None:
        return None
    return Person(identifier, birth_date)


def parse_identity_check(data: dict[str, str], errors: Errors, _: Translate) -> None:
    # Issue 4: assisted and paper voters show an identity document in person; the assistant confirms it.
    if data.get("id_checked") != "yes":
        errors.add("id_checked", _("Check the person's identity document and confirm it here."))


def parse_start(data: dict[str, str], _: Translate) -> tuple[Person | None, Errors]:
    errors = Errors()
    parse_identity_check(data, errors, _)
    person = parse_person(data, errors, _)
    return (None if errors else person), errors
