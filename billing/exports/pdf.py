"""The invoice PDFs of a batch, zipped: made by billing.pdf (the invoice layout lives there)."""

from __future__ import annotations

from billing.exports.data import BatchData


def render_pdf_zip(data: BatchData) -> bytes:
    from billing.pdf import invoices_pdf_zip  # imported when used: the PDF machinery (WeasyPrint) is heavy

    return invoices_pdf_zip(data.invoices)
