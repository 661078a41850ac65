"""CSV for Swedish Excel: one row per invoice or credit note (the lines are in the XLSX export).

- ";" between fields, decimal comma, no thousands separator, dates as YYYY-MM-DD, CRLF line ends, UTF-8 with
  a byte order mark (without it Excel reads å, ä and ö wrongly).
- Formula injection: a text cell starting with = + - @ TAB or CR is neutralised with a leading apostrophe,
  so that a municipality or reference named "=HYPERLINK(...)" is shown, not run. Numeric cells are written
  by this module and never altered: a credit note's amount stays "-15000,00", a number Excel sums.
"""

from __future__ import annotations

import csv
import io

from billing.exports.data import KIND_LABELS, BatchData, signed
from core.spreadsheet import decimal_comma, neutralise

COLUMNS = [
    "Fakturanummer",
    "Typ",
    "Krediterar faktura",
    "Fakturadatum",
    "Förfallodatum",
    "OCR",
    "Kund",
    "Organisationsnummer",
    "Kundens referens",
    "PEPPOL-id",
    "Fakturamejl",
    "Nätverk",
    "Invånare",
    "Belopp exkl. moms",
    "Moms",
    "Belopp inkl. moms",
    "Valuta",
]


def render_csv(data: BatchData) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for invoice in data.invoices:
        totals = invoice.computed
        credited = invoice.credited_invoice.number if invoice.credited_invoice_id else ""
        texts = [
            invoice.number,
            KIND_LABELS[invoice.kind],
            credited,
            invoice.issue_date.isoformat() if invoice.issue_date else "",
            invoice.due_date.isoformat() if invoice.due_date else "",
            invoice.ocr,
            invoice.buyer_name,
            invoice.buyer_orgnr,
            invoice.buyer_reference,
            invoice.buyer_peppol_id,
            invoice.buyer_email,
            invoice.network.title,
        ]
        numbers = [
            "" if invoice.population is None else str(invoice.population),
            decimal_comma(signed(invoice, totals.excl_vat)),
            decimal_comma(signed(invoice, totals.vat)),
            decimal_comma(signed(invoice, totals.incl_vat)),
        ]
        writer.writerow([*(neutralise(value) for value in texts), *numbers, neutralise(invoice.currency)])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
