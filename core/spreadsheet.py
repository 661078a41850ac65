"""CSV for Swedish Excel, shared by every export: ``;`` separated, CRLF, UTF-8 with a BOM (so that Excel reads
å, ä, ö), decimal comma, and text that a spreadsheet could take for a formula (starting with = + - @, tab or
carriage return) neutralised with a leading apostrophe. Numbers are never neutralised: -15000,00 stays a
number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str | None) -> str:
    """A text cell that a spreadsheet cannot take for a formula."""
    text = text or ""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def decimal_comma(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def csv_value(value) -> str:
    """One cell: numbers with a decimal comma, dates as ISO, date-times to the minute, neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_comma(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(str(value))


def csv_bytes(header: Iterable, rows: Iterable[Iterable]) -> bytes:
    """The header (text as given) and the rows (each cell through ``csv_value``) as CSV for Swedish Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_value(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_value(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
