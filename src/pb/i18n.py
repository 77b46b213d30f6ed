"""Translations (Babel catalogues under src/pb/locales) and per-language formatting of dates, numbers and money.

Message ids are English; fi and sv catalogues are read from their .po files at start-up and compiled in
memory, so there is no separate compile step to forget.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from pb.settings import LANGUAGES

LOCALES_DIR = Path(__file__).parent / "locales"
# Finland-Swedish formats differ from Sweden's (sv_FI vs sv_SE); en_FI gives Finnish conventions in English.
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


@cache
def translations(language: str) -> NullTranslations:
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if language not in LANGUAGES or not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext(language: str, message: str) -> str:
    return translations(language).gettext(message)


def ngettext(language: str, singular: str, plural: str, n: int) -> str:
    return translations(language).ngettext(singular, plural, n)


def negotiate(accept_language: str | None, default: str) -> str:
    """The best of fi/sv/en for an Accept-Language header (RFC 9110 12.5.4 quality values)."""
    if not accept_language:
        return default
    preferred: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            preferred.append((quality, tag.strip().replace("-", "_")))
    ordered = [tag for quality, tag in sorted(preferred, key=lambda item: -item[0]) if quality > 0]
    chosen = Locale.negotiate(ordered, list(LANGUAGES), sep="_") if ordered else None
    return chosen.language if chosen is not None else default


def format_date(value: date | datetime, language: str, timezone: str = "Europe/Helsinki") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(timezone)).date()
    return babel_format_date(value, format="long", locale=BABEL_LOCALES[language])


def format_datetime(value: datetime, language: str, timezone: str = "Europe/Helsinki") -> str:
    return babel_format_datetime(value, format="medium", tzinfo=ZoneInfo(timezone), locale=BABEL_LOCALES[language])


def format_number(value: int | float | Decimal, language: str) -> str:
    return format_decimal(value, locale=BABEL_LOCALES[language])


def format_euros(cents: int, language: str) -> str:
    """Money is kept as whole cents (an integer) and shown in euros."""
    return format_currency(Decimal(cents) / 100, "EUR", locale=BABEL_LOCALES[language])


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (at render time)."""
    return message
