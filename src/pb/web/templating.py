"""The Jinja2 environment: autoescaping, Babel translations picked per request, and formatting filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context

from pb import i18n
from pb.accounts.models import ROLE_DESCRIPTIONS, ROLE_LABELS, Role
from pb.settings import LANGUAGES, Settings
from pb.web.csrf import CSRFInput, session_token
from pb.web.markdown import render_markdown

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"


def context_language(context: Context) -> str:
    """The language a template renders in: an explicit ``language`` (emails, reports) or the request's."""
    language = context.get("language")
    if isinstance(language, str) and language in LANGUAGES:
        return language
    request = context.get("request")
    if request is not None:
        chosen = request.scope.get("state", {}).get("locale")
        if isinstance(chosen, str):
            return chosen
    return "fi"


@pass_context
def _gettext(context: Context, message: str, **variables: Any) -> str:
    text = i18n.gettext(context_language(context), message)
    return text % variables if variables else text


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = i18n.ngettext(context_language(context), singular, plural, n)
    return text % {"num": n, **variables}


class PbTemplate(jinja2.Template):
    """A template whose CSRF helpers read the token from the server-side session (web/csrf.py).

    Litestar puts ``csrf_input`` (from its own CSRF cookie, which pb does not use) into every page's context and
    registers a ``csrf_token`` global; both are replaced here, where the final context of every render, include
    and import passes through. Both start an anonymous visitor's session only when a page really renders them.
    """

    def new_context(self, vars: dict[str, Any] | None = None, shared: bool = False, locals: Any = None) -> Context:
        request = (vars or {}).get("request")
        if vars is not None and request is not None and not isinstance(vars.get("csrf_input"), CSRFInput):
            scope = request.scope
            vars = {
                **vars,
                "csrf_input": CSRFInput(scope),
                "csrf_token": lambda: session_token(scope, start_session=True),
            }
        return super().new_context(vars, shared, locals)


@pass_context
def session_csrf_token(context: Context) -> str:
    """The token for htmx's header on <body>, only for a visitor who has (or is getting) a session anyway.

    ``<body>`` is rendered before the page's forms, so it cannot know yet whether the page will start a session;
    a first anonymous visit to a form page sends the token in the form's own hidden field instead.
    """
    request = context.get("request")
    return "" if request is None else session_token(request.scope, start_session=False)


def build_environment(settings: Settings) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates do not change under a running server; not checking each file's mtime on every include
        # saves a stat() per included fragment (500 comments = 500 includes). Restart to see template edits.
        auto_reload=False,
    )
    env.template_class = PbTemplate
    env.install_gettext_callables(gettext=_gettext, ngettext=_ngettext, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def date_filter(context: Context, value: date | datetime | None) -> str:
        return "" if value is None else i18n.format_date(value, context_language(context), settings.timezone)

    @pass_context
    def datetime_filter(context: Context, value: datetime | None) -> str:
        return "" if value is None else i18n.format_datetime(value, context_language(context), settings.timezone)

    @pass_context
    def number_filter(context: Context, value: int | float) -> str:
        return i18n.format_number(value, context_language(context))

    @pass_context
    def euros_filter(context: Context, cents: int) -> str:
        return i18n.format_euros(cents, context_language(context))

    @pass_context
    def current_language(context: Context) -> str:
        return context_language(context)

    @pass_context
    def localized(context: Context, item: Any, field: str = "name") -> str:
        """Admin-entered text in the page's language (falls back to Finnish)."""
        language = context_language(context)
        if hasattr(item, "text"):
            return str(item.text(field, language))
        if hasattr(item, "name") and callable(item.name):
            return str(item.name(language))
        return str(getattr(item, field, ""))

    @pass_context
    def language_url(context: Context, language: str) -> str:
        """The current page in another language, keeping its other query parameters (filters, search)."""
        request = context.get("request")
        if request is None:
            return f"?lang={language}"
        query = request.scope.get("query_string", b"").decode("latin-1")
        kept = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True) if key != "lang"]
        path: str = request.url.path
        return path + "?" + urlencode([*kept, ("lang", language)])

    @pass_context
    def translate(context: Context, message: str) -> str:
        """Translate a message id kept in Python (N_ markers), e.g. phase and status labels."""
        return i18n.gettext(context_language(context), message)

    @pass_context
    def role_name(context: Context, role: str) -> str:
        return i18n.gettext(context_language(context), ROLE_LABELS[Role(role)])

    @pass_context
    def role_description(context: Context, role: str) -> str:
        return i18n.gettext(context_language(context), ROLE_DESCRIPTIONS[Role(role)])

    env.filters.update(
        date=date_filter,
        datetime=datetime_filter,
        number=number_filter,
        euros=euros_filter,
        markdown=render_markdown,
    )
    env.globals.update(
        settings=settings,
        languages=LANGUAGES,
        language_names=i18n.LANGUAGE_NAMES,
        current_language=current_language,
        current_user=current_user,
        localized=localized,
        language_url=language_url,
        translate=translate,
        role_name=role_name,
        role_description=role_description,
        pop_flashes=pop_flashes,
        session_csrf_token=session_csrf_token,
    )
    return env


@pass_context
def current_user(context: Context) -> Any:
    request = context.get("request")
    return None if request is None else request.scope.get("state", {}).get("user")


@pass_context
def pop_flashes(context: Context) -> list[dict[str, str]]:
    request = context.get("request")
    if request is None:
        return []
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return []
    messages: list[dict[str, str]] = session.pop("flash", [])
    return messages
