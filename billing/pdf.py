"""Invoice PDFs: one invoice, a zip of many, and a reference page for the benchmark, made by ``reports.pdf``.

- The one renderer of the app's documents (``reports.pdf``) makes them: a tagged PDF (PDF/UA) with the invoice's
  title and language ``sv``, the shared fonts, and a URL fetcher that serves the app's static files and ``data:``
  URIs only (text on an invoice can never make the server fetch a URL or read a file).
- The invoice looks like every other document (templates/reports/base.html and static/reports/print.css: the
  organiser in the running header, "Sida X av Y" in the footer); its own rules are in
  static/billing/invoice-pdf.css, parsed once per process like print.css.
- The invoice is a Swedish document, rendered in Swedish whatever the reader's language; "Godkänd för F-skatt"
  is the fixed wording the law and PEPPOL (SE-R-005) expect, so it is not translated.
- ``reference_pdf`` is a one-page document with the same stylesheets and fonts, to compare an invoice's
  rendering time with (the invoice should take at most 1.5 times as long).

The templates (templates/billing/pdf/) get ``invoice_context``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from billing import money
from billing.models import Invoice, VatCategory
from reports.pdf import (  # noqa: F401  (LocalFetcher, RefusedFetch and font_config: billing's PDF API)
    DOCUMENT_LANGUAGE,
    PRINT_STYLESHEET,
    STATIC_DIR,
    LocalFetcher,
    RefusedFetch,
    font_config,
    html_to_document,
    html_to_pdf,
    logo_data_uri,
)
from reports.pdf import stylesheet as _parsed

STYLESHEET = STATIC_DIR / "billing" / "invoice-pdf.css"
STYLESHEETS = (PRINT_STYLESHEET, STYLESHEET)


def stylesheet():
    """The invoice's own stylesheet (used together with print.css), parsed once per process."""
    return _parsed(STYLESHEET)


def render_document(html: str):
    """The laid-out document of ``html`` with print.css, the invoice's stylesheet and the shared fonts."""
    return html_to_document(html, STYLESHEETS)


def render_pdf(html: str) -> bytes:
    """Tagged PDF (PDF/UA) bytes of ``html`` with print.css and the invoice's stylesheet."""
    return html_to_pdf(html, STYLESHEETS)


# --- The invoice ----------------------------------------------------------------------------------------------


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True).replace(" ", "\u00a0")


def _percent(rate: Decimal) -> str:
    return f"{number_format(Decimal(rate).normalize(), use_l10n=True)}\u00a0%"


def _vat_label(category: str, rate: Decimal) -> str:
    if category == VatCategory.STANDARD:
        return _percent(rate)
    return str(VatCategory(category).label)


def _title(invoice: Invoice) -> str:
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        kind = _("Credit note")
    elif invoice.is_draft:
        kind = _("Draft invoice")
    else:
        kind = _("Invoice")
    return f"{kind} {invoice.number}" if invoice.number else kind


def _population_text(invoice: Invoice) -> str:
    if invoice.population is None:
        return ""
    if invoice.population_year:
        return _("Population 31 Dec %(year)s: %(population)s inhabitants") % {
            "year": invoice.population_year,
            "population": _grouped(invoice.population),
        }
    return _("Population: %(population)s inhabitants") % {"population": _grouped(invoice.population)}


def invoice_context(invoice: Invoice, lines=None) -> dict:
    """What the invoice template shows (call within the document's language).

    The seller's name and address are the ones frozen on the invoice; the logo is its organiser's (one query for
    the organiser unless it was loaded with the invoice)."""
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
    return {
        "title": _title(invoice),
        "organizer_name": invoice.seller_name,
        "logo": logo_data_uri(invoice.organizer),
        "document_date": invoice.issue_date,
        "invoice": invoice,
        "lines": lines,
        "totals": {"excl_vat": totals.excl_vat, "vat": totals.vat, "incl_vat": totals.incl_vat, "groups": groups},
        "population_text": _population_text(invoice),
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
    loaded = (
        Invoice.objects.filter(pk__in=ids).select_related("credited_invoice", "organizer").prefetch_related("lines")
    )
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


def reference_html() -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "billing/pdf/reference.html",
            {
                "title": _("Reference page"),
                "organizer_name": "Sveriges Kommuner och Regioner",
                "paragraphs": [REFERENCE_TEXT * 3] * 6,
            },
        )


def reference_pdf() -> bytes:
    """A one-page document with the invoice's stylesheets and fonts: the yardstick for an invoice's rendering
    time (the same tagging, header and footer as an invoice)."""
    return render_pdf(reference_html())
