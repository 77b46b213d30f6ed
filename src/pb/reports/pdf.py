"""Reports as PDF: our Jinja templates rendered in a chosen language and laid out by WeasyPrint.

Two variants (docs: /work/shared/notes/stack.md §3): ``pdf/ua-1`` is the accessible download (ISO 14289-1:
tagged, with document language and title), ``pdf/a-3a`` the archival copy (ISO 19005-3 level A: tagged too, and
the only PDF/A part that allows arbitrary embedded files, so the report can carry its own data). A file is one or
the other: WeasyPrint writes the PDF/UA identifier only for the ``ua`` variants.

WeasyPrint fetches nothing from the network: ``StaticFileFetcher`` serves the project's own ``static/`` files
(stylesheet, bundled fonts, images), an explicitly allowed logo file and ``data:`` URLs, and refuses the rest.
"""

from __future__ import annotations

import logging
import mimetypes
import warnings
from base64 import b64encode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
import segno
import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pb.settings import LANGUAGES, Settings
from pb.web.templating import TEMPLATES_DIR, build_environment

STATIC_DIR = Path(__file__).resolve().parents[3] / "static"
REPORT_STYLESHEET = STATIC_DIR / "css" / "report.css"
Variant = Literal["pdf/ua-1", "pdf/a-3a"]
VARIANTS: tuple[Variant, ...] = ("pdf/ua-1", "pdf/a-3a")
WEASYPRINT_LOGGER = logging.getLogger("weasyprint")


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the project's static files; it is logged and left out."""


class StaticFileFetcher(URLFetcher):  # type: ignore[misc]  # URLFetcher is untyped (Any)
    """Serves ``file:`` URLs inside the static folder (plus named extra files) and ``data:`` URLs, nothing else.

    WeasyPrint's documentation ("Security") warns that a document may otherwise read any local file or make
    network requests; a report must look the same offline and must not leak who is reading it.
    """

    def __init__(self, static_dir: Path = STATIC_DIR, extra_files: Sequence[Path] = ()) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.static_dir = static_dir.resolve()
        self.extra_files = frozenset(path.resolve() for path in extra_files)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's DataHandler decodes it; no I/O is involved.
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedURL(f"reports fetch no network resources: {url}")
        parts = urlsplit(url)
        if parts.netloc not in {"", "localhost"}:
            raise RefusedURL(f"reports fetch no remote files: {url}")
        # resolve() follows symbolic links and "..", so the containment check is on the real file.
        path = Path(url2pathname(unquote(parts.path))).resolve()
        allowed = path in self.extra_files or path.is_relative_to(self.static_dir)
        if not allowed or not path.is_file():
            raise RefusedURL(f"reports fetch only the project's static files: {url}")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime_type})


@dataclass(frozen=True)
class ReportAttachment:
    """A data file embedded in the PDF (ISO 19005-3 6.8: each with a MIME type and a relationship)."""

    name: str
    data: bytes
    mime_type: str
    description: str
    # Fixed dates keep the PDF identical for identical inputs; the default is the report's own time.
    modified: datetime | None = None
    # ISO 32000-2 7.11.3: "Data" for the information the document's content is derived from.
    relationship: str = "Data"


@dataclass(frozen=True)
class Letter:
    """One page of a mass mailing (``templates/reports/letters.html``): who gets it and what it carries."""

    address_lines: tuple[str, ...]
    code: str | None = None
    # A link the QR code points to (e.g. the voting page with the code filled in); no QR code when None.
    qr_url: str | None = None
    # Whatever the concrete letter template needs besides the above (name, district, panel date, ...).
    details: Mapping[str, Any] = field(default_factory=dict)


def qr_code_svg(data: str, title: str, scale: int = 4) -> Markup:
    """A QR code as inline SVG; its ``<title>`` becomes the PDF figure's alternative text."""
    # The letter shows the code in text too, so the QR code is a convenience, never the only way (WCAG 1.1.1).
    code = segno.make(data, error="m", micro=False)
    return Markup(code.svg_inline(scale=scale, title=title, border=2, dark="#000", light="#fff"))


class ReportRenderer:
    """Renders report templates to HTML and PDF; one per process (it keeps one FontConfiguration).

    WeasyPrint's font configuration is not documented as thread-safe, so one renderer must not lay out two
    documents at the same time; the async wrapper in ``services.py`` runs renders in worker processes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        logo: Path | None = None,
        template_dirs: Sequence[Path] = (),
        static_dir: Path = STATIC_DIR,
    ) -> None:
        self.settings = settings
        self.logo = logo.resolve() if logo is not None else None
        self.static_dir = static_dir
        self.environment = build_environment(settings)
        if template_dirs:
            # Extra folders (tests' sample reports) are searched before the project's templates.
            self.environment.loader = jinja2.FileSystemLoader([*template_dirs, TEMPLATES_DIR])
        self.environment.globals.update(qr_code_svg=qr_code_svg)
        self.fetcher = StaticFileFetcher(static_dir, extra_files=[self.logo] if self.logo else [])
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            filename=str(static_dir / REPORT_STYLESHEET.relative_to(STATIC_DIR)),
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )

    def render_html(self, template_name: str, context: Mapping[str, Any], language: str) -> str:
        """The report's HTML in ``language``, whatever the language of the person who asked for it."""
        if language not in LANGUAGES:
            raise ValueError(f"unknown report language {language!r}")
        template = self.environment.get_template(template_name)
        # templating.context_language() prefers an explicit "language" over the request's.
        return template.render(
            {
                **context,
                "language": language,
                "municipality_name": self.settings.municipality_name,
                "logo_url": self.logo.as_uri() if self.logo else None,
            }
        )

    def render_pdf(
        self,
        template_name: str,
        context: Mapping[str, Any],
        language: str,
        variant: Variant = "pdf/ua-1",
        attachments: Sequence[ReportAttachment] = (),
    ) -> bytes:
        if variant not in VARIANTS:
            raise ValueError(f"unknown PDF variant {variant!r}")
        html = self.render_html(template_name, context, language)
        document = weasyprint.HTML(string=html, base_url=self.static_dir.as_uri() + "/", url_fetcher=self.fetcher)
        with warnings.catch_warnings():
            # WeasyPrint 70 opens its sRGB profile for the PDF/A output intent and never closes it
            # (weasyprint/pdf/__init__.py:151); the file is read in full, so the warning is only noise.
            warnings.filterwarnings(
                "ignore", r"unclosed file <_io\.BufferedReader name='.*sRGB2014\.icc'>", ResourceWarning
            )
            pdf: bytes = document.write_pdf(
                stylesheets=[self.stylesheet],
                font_config=self.font_config,
                pdf_variant=variant,
                attachments=[self._attachment(item) for item in attachments],
            )
        return pdf

    def _attachment(self, item: ReportAttachment) -> weasyprint.Attachment:
        # A data: URL carries the MIME type through WeasyPrint's fetcher into the file's /Subtype
        # (a string source would leave WeasyPrint guessing it from the file name).
        url = f"data:{item.mime_type};base64,{b64encode(item.data).decode('ascii')}"
        return weasyprint.Attachment(
            url=url,
            url_fetcher=self.fetcher,
            name=item.name,
            description=item.description,
            created=item.modified,
            modified=item.modified,
            relationship=item.relationship,
        )
