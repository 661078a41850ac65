"""PDF documents with WeasyPrint: one way to turn a template and its context into PDF bytes.

- Tagged PDF (``pdf/ua-1``) with the document's title and language ``sv``: every document is a Swedish
  document, rendered in Swedish whatever the reader's language (as the invoice).
- One ``FontConfiguration`` per process and each stylesheet parsed once, made on first use and reused.
- Fonts are the system's (DejaVu Sans, installed with the app's image); nothing is fetched from outside:
  ``LocalFetcher`` serves the app's own static files and ``data:`` URIs only. Any other URL (http, https,
  ftp, a file outside static, a path escaping static with ``..``) is refused and logged, so text a user
  typed can never make the server fetch a URL or read a file. An organiser's uploaded logo reaches a
  document as a ``data:`` URI made by ``logo_data_uri``.
- ``templates/reports/base.html`` is the layout every document extends: A4, margins, the organiser's name
  and logo in the header, "Sida X av Y" in the footer, Swedish hyphenation, tables that break cleanly.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)

DOCUMENT_LANGUAGE = "sv"
STATIC_DIR = Path(settings.BASE_DIR) / "static"
PRINT_STYLESHEET = STATIC_DIR / "reports" / "print.css"
PDF_VARIANT = "pdf/ua-1"
LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/gif"}

_lock = threading.Lock()
_fonts: list[FontConfiguration] = []
_stylesheets: dict[Path, CSS] = {}


class RefusedFetch(ValueError):
    """A document asked for something outside the app's static files and data: URIs."""


def _static_roots() -> list[Path]:
    roots = [STATIC_DIR]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


class LocalFetcher(URLFetcher):
    """Fetches ``data:`` URIs and files under the app's static folders; refuses and logs everything else."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, **kwargs)
        self.roots = _static_roots()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return super().fetch(url, headers)
        logger.warning("PDF rendering refused to fetch %r", url[:300])
        raise RefusedFetch(f"refused: {url[:300]}")


def font_config() -> FontConfiguration:
    with _lock:
        if not _fonts:
            _fonts.append(FontConfiguration())
        return _fonts[0]


def stylesheet(path: Path = PRINT_STYLESHEET) -> CSS:
    """The stylesheet at ``path`` (under static/), parsed once per process with the shared fonts."""
    fonts = font_config()
    with _lock:
        if path not in _stylesheets:
            _stylesheets[path] = CSS(
                string=path.read_text(encoding="utf-8"),
                base_url=path.parent.as_uri() + "/",
                url_fetcher=LocalFetcher(),
                font_config=fonts,
            )
        return _stylesheets[path]


def render_html(template_name: str, context: dict | None = None) -> str:
    """The document's HTML, always in Swedish."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(template_name, context or {})


def html_to_document(html: str, stylesheets: tuple[Path, ...] = (PRINT_STYLESHEET,)):
    """The laid-out WeasyPrint document (pages known), before writing the PDF."""
    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=LocalFetcher()).render(
        stylesheets=[stylesheet(path) for path in stylesheets], font_config=font_config()
    )


def html_to_pdf(html: str, stylesheets: tuple[Path, ...] = (PRINT_STYLESHEET,)) -> bytes:
    """PDF bytes of ``html`` (a full document with <html lang> and <title>), tagged as PDF/UA."""
    return html_to_document(html, stylesheets).write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """PDF bytes of a template that extends ``reports/base.html``."""
    return html_to_pdf(render_html(template_name, context))


STAMP = re.compile(r'<span class="stamp">[^<]*</span>')


def without_stamps(html: str) -> str:
    """``html`` without the moment it was made (``<span class="stamp">``: the document's date, "Printed …"), so
    that a fingerprint of it changes with the data only, not with the clock."""
    return STAMP.sub("", html)


def logo_data_uri(organizer) -> str:
    """The organiser's uploaded logo as a ``data:`` URI (empty when missing, too large or not an image)."""
    logo = getattr(organizer, "logo", None)
    if not logo:
        return ""
    mime = mimetypes.guess_type(logo.name)[0] or ""
    if mime not in LOGO_TYPES:
        return ""
    try:
        if logo.size > LOGO_MAX_BYTES:
            return ""
        with logo.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except OSError:
        logger.warning("Logo of organiser %s could not be read", getattr(organizer, "pk", None))
        return ""
    if len(data) > LOGO_MAX_BYTES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def file_name(*parts: object) -> str:
    """A safe download name: 'slutrapport-en-effektivare-administration.pdf'."""
    stem = "-".join(filter(None, (slugify(str(part)) for part in parts))) or "dokument"
    return f"{stem[:120]}.pdf"


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    """A download of ``pdf`` named ``name`` (made by ``file_name``); never cached by shared caches."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


REFERENCE_TEXT = (
    "Nätverket samlar kommuner som vill utveckla sin styrning och sina arbetssätt tillsammans. "
    "Deltagarna träffas regelbundet, jämför nyckeltal och delar erfarenheter mellan träffarna. "
)


def reference_context() -> dict:
    return {
        "title": "Referenssida",
        "organizer_name": "Sveriges Kommuner och Regioner",
        "lead": REFERENCE_TEXT,
        "paragraphs": [REFERENCE_TEXT * 2] * 4,
        "rows": [("Upplands Väsby", "25\u00a0000\u00a0kr"), ("Vallentuna", "15\u00a0000\u00a0kr")] * 3,
    }


def reference_pdf() -> bytes:
    """A one-page document with the shared stylesheet and fonts: the yardstick of the benchmarks."""
    return render_pdf("reports/reference.html", reference_context())
