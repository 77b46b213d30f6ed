"""Markdown written by people, rendered to HTML and then sanitised (nh3) before it reaches a page."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is not rendered at all; the sanitiser is the second line of defence.
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}


@lru_cache(maxsize=2048)
def render_markdown(source: str) -> Markup:
    # Headings in user text start at level 2: the page's own title is the only h1 (WCAG 1.3.1).
    html = _PARSER.render(source.replace("\r\n", "\n"))
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        # Links that people post are not endorsed by the city and carry no search-engine weight.
        link_rel="nofollow ugc noopener",
    )
    return Markup(cleaned)  # sanitised just above
