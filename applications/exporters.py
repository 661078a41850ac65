"""The review list as a spreadsheet: XLSX and CSV for Swedish Excel, from the same rows.

Rows hold Python values (str, int, float, datetime, None); each format converts
them once at the edge. Text a spreadsheet could read as a formula (starting
with = + - @, tab or carriage return) is neutralised: prefixed with ' in CSV,
stored as a text cell (never a formula) in XLSX.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from applications.reviews import ReviewRow
from core.spreadsheet import csv_bytes, csv_value, neutralise  # noqa: F401  (csv_value and neutralise: re-exported)

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "0.00"


class ReviewListExporter:
    """Header and rows of the review list; ``rows`` come from ``reviews.review_rows``."""

    def __init__(self, *, criteria, rows: Iterable[ReviewRow], with_need: bool = False):
        self.criteria = list(criteria)
        self.rows = rows
        self.with_need = with_need

    def header(self) -> list[str]:
        return [
            _("Municipality"),
            _("Municipality code"),
            _("County"),
            _("SKR municipality group"),
            _("Population"),
            _("Status"),
            _("Version"),
            _("Submitted"),
            _("Average"),
            _("Spread (standard deviation)"),
            _("Reviewers"),
            *([_("Need of support (our calculation)")] if self.with_need else []),
            *[_("Average: %(criterion)s") % {"criterion": c.title} for c in self.criteria],
        ]

    def iter_rows(self) -> Iterator[list]:
        for row in self.rows:
            application = row.application
            municipality = application.municipality
            yield [
                municipality.name,
                municipality.code,
                municipality.county.name,
                municipality.kommungrupp_name,
                municipality.population,
                str(application.get_status_display()),
                application.version or None,
                _local(application.submitted_at),
                row.average,
                row.spread,
                row.reviewer_count,
                *([row.need_of_support] if self.with_need else []),
                *row.criterion_averages,
            ]


def _local(value: datetime | None) -> datetime | None:
    """Spreadsheets know no time zones: local (Stockholm) wall time, to the minute."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)


def to_csv(exporter: ReviewListExporter) -> bytes:
    return csv_bytes(exporter.header(), exporter.iter_rows())


# XLSX ------------------------------------------------------------------------


def _xlsx_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def to_xlsx(exporter: ReviewListExporter, *, title: str = "") -> bytes:
    """A workbook with a bold, frozen header row; numbers as numbers, dates as dates, text as text."""
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _xlsx_text(title or _("Applications"))[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "Sheet"
    header = exporter.header()
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        _set_text(cell, text)
        cell.font = Font(bold=True)
    for row_number, row in enumerate(exporter.iter_rows(), start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                _set_text(cell, value)
            else:
                cell.value = value
                if isinstance(value, datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, float):
                    cell.number_format = DECIMAL_FORMAT
    sheet.freeze_panes = "A2"
    for column, text in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(len(text) + 2, 10), 40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell, text: str) -> None:
    # openpyxl turns a string starting with "=" into a formula; force a plain text cell.
    cell.value = _xlsx_text(text)
    cell.data_type = "s"
