"""Invoice PDFs (WeasyPrint): one invoice, a zip of many, and a reference page for the benchmark.

- One ``FontConfiguration`` and one parsed stylesheet (static/billing/invoice-pdf.css) per process, made on first
  use and reused for every invoice (a batch's zip renders each invoice with them).
- Fonts are the system's (DejaVu Sans, installed with the app's image); nothing is fetched from the network:
  the URL fetcher accepts only ``data:`` URLs and files under the app's static and media folders.
- The invoice is a Swedish document, rendered in Swedish whatever the reader's language; "Godkänd för F-skatt"
  is the fixed wording the law and PEPPOL (SE-R-005) expect, so it is not translated.
- ``reference_pdf`` is a one-page document with the same stylesheet and fonts, to compare an invoice's
  rendering time with (the invoice should take at most 1.5 times as long).

The templates (templates/billing/pdf/) may be restyled; the context they get is ``invoice_context``.
"""

from __future__ import annotations

import io
import threading
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from billing import money
from billing.models import Invoice, VatCategory

STYLESHEET = Path(settings.BASE_DIR) / "static" / "billing" / "invoice-pdf.css"
DOCUMENT_LANGUAGE = "sv"

_lock = threading.Lock()
_shared: dict[str, object] = {}


class LocalFetcher(URLFetcher):
    """Fetches ``data:`` URLs and the app's own files; refuses http(s) and everything else."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, **kwargs)
        roots = [Path(settings.BASE_DIR) / "static", Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT)]
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.lower().startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"Refused to read a file outside the app: {url}")
        return super().fetch(url, headers)


def font_config() -> FontConfiguration:
    """The process's one font configuration."""
    with _lock:
        if "fonts" not in _shared:
            _shared["fonts"] = FontConfiguration()
        return _shared["fonts"]


def stylesheet() -> CSS:
    """The invoice stylesheet, parsed once with ``font_config``."""
    fonts = font_config()
    with _lock:
        if "css" not in _shared:
            _shared["css"] = CSS(
                string=STYLESHEET.read_text(encoding="utf-8"),
                base_url=str(STYLESHEET.parent) + "/",
                url_fetcher=LocalFetcher(),
                font_config=fonts,
            )
        return _shared["css"]


def render_document(html: str):
    """The WeasyPrint document of ``html`` with the shared stylesheet and fonts (before writing the PDF)."""
    return HTML(string=html, base_url=str(STYLESHEET.parent) + "/", url_fetcher=LocalFetcher()).render(
        stylesheets=[stylesheet()], font_config=font_config()
    )


def render_pdf(html: str) -> bytes:
    return render_document(html).write_pdf()


# --- The invoice ----------------------------------------------------------------------------------------------


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True).replace(" ", "\u00a0")


def _percent(rate: Decimal) -> str:
    return f"{number_format(Decimal(rate).normalize(), use_l10n=True)}\u00a0%"


def _vat_label(category: str, rate: Decimal) -> str:
    if category == VatCategory.STANDARD:
        return _percent(rate)
    return str(VatCategory(category).label)


def invoice_context(invoice: Invoice, lines=None) -> dict:
    """What the invoice template shows (call within the document's language)."""
    lines = list(lines if lines is not None else invoice.lines.all())
    for line in lines:
        quantity = Decimal(line.quantity)
        line.quantity_text = number_format(quantity.normalize() if quantity == quantity.to_integral() else quantity)
        line.vat_text = _vat_label(line.vat_category, line.vat_rate)
    totals = money.totals(lines)
    groups = [
        {"label": _vat_label(group.category, group.rate), "taxable": group.taxable, "vat": group.vat}
        for group in totals.groups
    ]
    population_text = ""
    if invoice.population is not None:
        if invoice.population_year:
            population_text = _("Population 31 Dec %(year)s: %(population)s inhabitants") % {
                "year": invoice.population_year,
                "population": _grouped(invoice.population),
            }
        else:
            population_text = _("Population: %(population)s inhabitants") % {"population": _grouped(invoice.population)}
    return {
        "invoice": invoice,
        "lines": lines,
        "totals": {"excl_vat": totals.excl_vat, "vat": totals.vat, "incl_vat": totals.incl_vat, "groups": groups},
        "population_text": population_text,
        "seller_orgnr": _orgnr(invoice.seller_orgnr),
        "buyer_orgnr": _orgnr(invoice.buyer_orgnr),
    }


def _orgnr(value: str) -> str:
    """212000-0142 (the usual way of writing an organisation number)."""
    return f"{value[:6]}-{value[6:]}" if value and value.isdigit() and len(value) == 10 else value


def invoice_html(invoice: Invoice, lines=None) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("billing/pdf/invoice.html", invoice_context(invoice, lines))


def invoice_pdf(invoice: Invoice) -> bytes:
    return render_pdf(invoice_html(invoice))


def pdf_file_name(invoice: Invoice) -> str:
    """The invoice's number (unique in the organiser's series, credit notes included), or the draft's id."""
    return f"{invoice.number}.pdf" if invoice.number else f"draft-{invoice.pk}.pdf"


def invoices_pdf_zip(invoices: Iterable[Invoice]) -> bytes:
    """A zip of the invoices' PDFs (one per invoice, named by its number), rendered with the shared fonts."""
    ids = [invoice.pk for invoice in invoices]
    loaded = Invoice.objects.filter(pk__in=ids).select_related("credited_invoice").prefetch_related("lines")
    by_id = {invoice.pk: invoice for invoice in loaded}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for pk in dict.fromkeys(ids):
            invoice = by_id.get(pk)
            if invoice is not None:
                archive.writestr(pdf_file_name(invoice), invoice_pdf(invoice))
    return buffer.getvalue()


REFERENCE_TEXT = (
    "Nätverket samlar kommuner som vill utveckla sin styrning och sina arbetssätt tillsammans. "
    "Deltagarna träffas regelbundet, jämför nyckeltal och delar erfarenheter mellan träffarna. "
)


def reference_pdf() -> bytes:
    """A one-page document with the invoice's stylesheet and fonts: the yardstick for an invoice's rendering time."""
    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string(
            "billing/pdf/reference.html",
            {"seller_name": "Sveriges Kommuner och Regioner", "paragraphs": [REFERENCE_TEXT * 3] * 6},
        )
    return render_pdf(html)
