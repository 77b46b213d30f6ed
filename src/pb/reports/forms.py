"""Reading the staff's choice of report language and variant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from pb.reports.outcome import VARIANTS, VariantName
from pb.settings import LANGUAGES
from pb.web.forms import Errors, Translate

# Query parameter names. Not "lang": that one is the page's own language (pb.web.shell), and the report's
# language is chosen independently of the language of the person asking for it (issue 5).
LANGUAGE_FIELD = "language"
VARIANT_FIELD = "variant"


@dataclass(frozen=True)
class ReportChoice:
    language: str
    variant: VariantName


def parse_report_choice(data: Mapping[str, str], _: Translate) -> tuple[ReportChoice, Errors]:
    errors = Errors()
    language = data.get(LANGUAGE_FIELD, "").strip()
    variant = data.get(VARIANT_FIELD, "").strip()
    if language not in LANGUAGES:
        errors.add(LANGUAGE_FIELD, _("Choose the language of the report."))
        language = ""
    if variant not in VARIANTS:
        errors.add(VARIANT_FIELD, _("Choose the kind of PDF file."))
        variant = "ua"
    return ReportChoice(language, cast(VariantName, variant)), errors
