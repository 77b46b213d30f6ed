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
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format, parse_pattern
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_format_percent
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


@cache
def babel_locale(language: str) -> Locale:
    # Parsed once: Babel re-parses a locale given as text on every call, which dominates a page of 500 dates.
    return Locale.parse(BABEL_LOCALES[language])


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def _datetime_pattern(language: str) -> DateTimePattern:
    """Babel's "medium" date-and-time format for the language, parsed once (a page may show 500 times)."""
    locale = babel_locale(language)
    joined = str(get_datetime_format("medium", locale))
    date_part = get_date_format("medium", locale).pattern
    time_part = get_time_format("medium", locale).pattern
    return parse_pattern(joined.replace("{1}", date_part).replace("{0}", time_part))


def format_date(value: date | datetime, language: str, timezone: str = "Europe/Helsinki") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(_zone(timezone)).date()
    return babel_format_date(value, format="long", locale=babel_locale(language))


def format_datetime(value: datetime, language: str, timezone: str = "Europe/Helsinki") -> str:
    return _datetime_pattern(language).apply(value.astimezone(_zone(timezone)), babel_locale(language))


def format_number(value: int | float | Decimal, language: str) -> str:
    return format_decimal(value, locale=babel_locale(language))


def format_percent(share: float, language: str) -> str:
    """A share (0.123) as a percentage with one decimal, in the language's format ("12,3 %" in Finnish)."""
    locale = babel_locale(language)
    pattern = locale.percent_formats[None].pattern.replace("0", "0.0", 1)
    return babel_format_percent(share, pattern, locale=locale)


def format_euros(cents: int, language: str) -> str:
    """Money is kept as whole cents (an integer) and shown in euros."""
    return format_currency(Decimal(cents) / 100, "EUR", locale=babel_locale(language))


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (at render time)."""
    return message
