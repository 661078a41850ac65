"""Markdown from users, rendered to HTML that is safe to put on a page.

Markdown is converted with raw HTML escaped, then the result is cleaned by nh3
(an allow-list sanitiser), so neither HTML typed by a user nor a crafted link
(javascript:, data:) reaches a page or a PDF.
"""

from __future__ import annotations

import functools

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _escape_html(md: markdown_lib.Markdown) -> None:
    # Raw HTML in the source is shown as text, not interpreted.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")  # nosec B308
    return mark_safe(_rendered(text))  # noqa: S308 - cleaned by nh3 in _rendered  # nosec B308 B703


@functools.lru_cache(maxsize=512)
def _rendered(text: str) -> str:
    """The cleaned HTML of ``text``, remembered per worker: a page lists the same texts on every request
    (the catalogue's summaries, an invitation's sections), and each conversion builds a Markdown parser."""
    md = markdown_lib.Markdown(extensions=["sane_lists", "tables"], output_format="html")
    _escape_html(md)
    html = md.convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return str(cleaned)
