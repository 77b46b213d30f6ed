"""Producing report PDFs for the web and the command line: a digest-keyed disk cache and worker processes.

Why worker processes (``anyio.to_process``) and not a thread: WeasyPrint's layout is pure Python and holds the
GIL for the whole render (seconds for a large report, stack.md §3), so a thread would slow every other request of
the server while it runs; a process leaves the event loop its own CPU, lays out reports in parallel, keeps one
FontConfiguration per process (WeasyPrint does not promise thread safety) and a crash in Pango cannot take the
server down. Idle workers stay alive for anyio's 5 minutes, so a burst of reports pays the start-up once.
Like multiprocessing's "spawn", a worker imports the parent's main module (as ``__mp_main__``): a script that
awaits ``Reports.pdf`` must keep its work under ``if __name__ == "__main__":`` (uvicorn, litestar and the ``pb``
command already do).

Why a disk cache under ``var/reports``: a finished report is expensive and is downloaded by many people once
results are published; files survive restarts and are shared by all server processes. The key is the SHA-256 of
everything the output depends on (template name, context data, language, variant, attachments, and the
templates, stylesheet, fonts, logo and software versions), so a changed input is a different file and nothing is
ever invalidated by hand; the folder is kept under ``max_bytes`` by deleting the least recently used files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import anyio.to_process

import pb
from pb.reports.pdf import (
    REPORT_STYLESHEET,
    STATIC_DIR,
    WEASYPRINT_LOGGER,
    ReportAttachment,
    ReportRenderer,
    Variant,
)
from pb.settings import Settings
from pb.web.templating import TEMPLATES_DIR

logger = logging.getLogger(__name__)
DEFAULT_CACHE_DIR = Path("var/reports")
DEFAULT_CACHE_BYTES = 512 * 1024 * 1024


def canonical_json(value: Any) -> Any:
    """``value`` as JSON-ready data with a stable form, for digests; refuses what it cannot describe exactly.

    Report contexts are plain data (dataclasses, mappings, sequences, dates, numbers): an ORM object or a
    request in a context would make the digest meaningless, so it is an error here rather than a stale cache.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime | date | time):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, Enum):
        return {"enum": f"{type(value).__qualname__}.{value.name}"}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    if isinstance(value, bytes):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {item.name: canonical_json(getattr(value, item.name)) for item in dataclasses.fields(value)}
        return {"dataclass": type(value).__qualname__, "fields": fields}
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("report context mappings must have text keys")
        return {"mapping": {key: canonical_json(item) for key, item in sorted(value.items())}}
    if isinstance(value, list | tuple | frozenset | set):
        items = [canonical_json(item) for item in value]
        if isinstance(value, frozenset | set):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return {"sequence": items}
    raise TypeError(f"a report context holds plain data only, not {type(value).__qualname__}")


def digest(value: Any) -> str:
    text = json.dumps(canonical_json(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RendererConfig:
    """What a worker process needs to build its own renderer (picklable and hashable)."""

    settings: Settings
    logo: Path | None = None
    template_dirs: tuple[Path, ...] = ()


@cache
def _renderer(config: RendererConfig) -> ReportRenderer:
    # One per process and configuration: builds the Jinja environment and the FontConfiguration once.
    return ReportRenderer(config.settings, logo=config.logo, template_dirs=config.template_dirs)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def render_pdf_in_worker(
    config: RendererConfig,
    template_name: str,
    context: Mapping[str, Any],
    language: str,
    variant: Variant,
    attachments: Sequence[ReportAttachment],
) -> tuple[bytes, list[tuple[int, str]]]:
    """Runs in a worker process; returns the PDF and WeasyPrint's warnings and errors for the parent to log."""
    collect = _Collect()
    WEASYPRINT_LOGGER.addHandler(collect)
    try:
        pdf = _renderer(config).render_pdf(template_name, context, language, variant, attachments)
    finally:
        WEASYPRINT_LOGGER.removeHandler(collect)
    return pdf, collect.records


class ReportCache:
    """PDF files named by their input digest, under a folder kept below ``max_bytes``."""

    def __init__(self, directory: Path = DEFAULT_CACHE_DIR, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    def _path(self, key: str) -> Path:
        if len(key) != 64 or not all(character in "0123456789abcdef" for character in key):
            raise ValueError("cache keys are SHA-256 hex digests")
        return self.directory / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        # The modification time is the last use: pruning removes the least recently used first.
        os.utime(path)
        return data

    def put(self, key: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written to a temporary file and renamed, so another process never reads half a PDF.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, self._path(key))
        self.prune()

    def prune(self) -> None:
        files = []
        for path in self.directory.glob("*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed by another process meanwhile
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size


class Reports:
    """The entry point for producing report PDFs; build one per app (or per CLI run) and reuse it.

    ``await reports.pdf(...)`` renders in a worker process; ``reports.pdf_now(...)`` renders in the calling
    thread (the command line, tests). Both go through the cache.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        cache: ReportCache | None = None,
        logo: Path | None = None,
        template_dirs: tuple[Path, ...] = (),
        max_workers: int = 2,
    ) -> None:
        self.settings = settings
        self.cache = cache if cache is not None else ReportCache()
        self.logo = logo
        self.template_dirs = template_dirs
        self.config = RendererConfig(settings, logo, template_dirs)
        # At most this many reports are laid out at once, each in its own process (memory: ~100 MB each).
        self.limiter = anyio.CapacityLimiter(max_workers)
        self.renders = 0  # PDFs laid out rather than served from the cache (for tests and metrics)
        self._framework_digest: str | None = None

    def framework_digest(self) -> str:
        """Everything besides the caller's inputs that shapes the PDF (computed once; restart to pick up edits,
        as with the Jinja environment's ``auto_reload=False``)."""
        if self._framework_digest is None:
            hasher = hashlib.sha256()
            files = [
                *sorted(TEMPLATES_DIR.rglob("*.html")),
                *(path for folder in self.template_dirs for path in sorted(folder.rglob("*.html"))),
                *sorted(REPORT_STYLESHEET.parent.glob("report*.css")),
                *sorted((STATIC_DIR / "fonts").glob("*.ttf")),
                *([self.logo] if self.logo else []),
            ]
            for path in files:
                hasher.update(str(path).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
            versions = f"{pb.__version__}\0{version('weasyprint')}\0{self.settings.municipality_name}"
            hasher.update(f"{versions}\0{self.settings.timezone}".encode())
            self._framework_digest = hasher.hexdigest()
        return self._framework_digest

    def cache_key(
        self,
        template_name: str,
        context: Mapping[str, Any],
        language: str,
        variant: Variant,
        attachments: Sequence[ReportAttachment] = (),
    ) -> str:
        return digest(
            {
                "framework": self.framework_digest(),
                "template": template_name,
                "context": digest(context),
                "language": language,
                "variant": variant,
                "attachments": [
                    [item.name, item.mime_type, item.description, item.modified, item.relationship, item.data]
                    for item in attachments
                ],
            }
        )

    async def pdf(
        self,
        template_name: str,
        context: Mapping[str, Any],
        language: str,
        variant: Variant = "pdf/ua-1",
        attachments: Sequence[ReportAttachment] = (),
    ) -> bytes:
        key = self.cache_key(template_name, context, language, variant, attachments)
        cached = await anyio.to_thread.run_sync(self.cache.get, key)
        if cached is not None:
            return cached
        self.renders += 1
        pdf, records = await anyio.to_process.run_sync(
            render_pdf_in_worker,
            self.config,
            template_name,
            dict(context),
            language,
            variant,
            tuple(attachments),
            limiter=self.limiter,
        )
        for level, message in records:
            logger.log(level, "WeasyPrint (%s): %s", template_name, message)
        await anyio.to_thread.run_sync(self.cache.put, key, pdf)
        return pdf

    def pdf_now(
        self,
        template_name: str,
        context: Mapping[str, Any],
        language: str,
        variant: Variant = "pdf/ua-1",
        attachments: Sequence[ReportAttachment] = (),
    ) -> bytes:
        key = self.cache_key(template_name, context, language, variant, attachments)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        self.renders += 1
        pdf = _renderer(self.config).render_pdf(template_name, context, language, variant, attachments)
        self.cache.put(key, pdf)
        return pdf
