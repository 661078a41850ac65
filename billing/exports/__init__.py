"""Exports of an approved invoice batch: XLSX, CSV for Swedish Excel, SIE 4I, PEPPOL BIS Billing 3.0 (UBL, a
zip) and the invoice PDFs (a zip).

- ``render(batch, fmt)`` builds a file from the batch's issued invoices and credit notes (drafts are never
  exported): one query for the invoices, one for all their lines, one for the organiser's accounts.
- ``export_batch(batch, fmt, actor=...)`` is what pages, tasks and the ``export_invoice_batch`` command call:
  only an approved or sent batch is exported; the first export of a format stores the file in the private
  storage with its SHA-256, and every later call returns that stored export, so the same bytes are served
  again (an issued invoice never changes, so there is nothing to re-render).
- The files are bookkeeping formats read by finance systems, so their headers and texts are fixed Swedish
  (not translated with the interface): a column that changes its name with the language breaks an import.
- File names are made from the batch's id and the organiser's slug, never from user input.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from billing.models import BatchExport, InvoiceBatch

if TYPE_CHECKING:
    from collections.abc import Callable

    from billing.exports.data import BatchData

EXPORTABLE = frozenset({InvoiceBatch.Status.APPROVED, InvoiceBatch.Status.SENT})


@dataclass(frozen=True)
class ExportFormat:
    key: str
    suffix: str  # ends the file name, e.g. ".xlsx" or "-peppol.zip"
    content_type: str
    renderer: str  # "module:function" in billing.exports, taking BatchData and returning bytes


FORMATS: dict[str, ExportFormat] = {
    fmt.key: fmt
    for fmt in (
        ExportFormat(
            "xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx:render_xlsx"
        ),
        ExportFormat("csv", ".csv", "text/csv; charset=utf-8", "csv:render_csv"),
        ExportFormat("sie", ".si", "text/plain; charset=IBM437", "sie:render_sie"),
        ExportFormat("peppol", "-peppol.zip", "application/zip", "peppol:render_peppol_zip"),
        ExportFormat("pdf", "-pdf.zip", "application/zip", "pdf:render_pdf_zip"),
    )
}
assert set(FORMATS) == set(BatchExport.Format.values)  # a check at import  # nosec B101


def _renderer(fmt: ExportFormat) -> Callable[[BatchData], bytes]:
    from importlib import import_module

    module, function = fmt.renderer.split(":")
    return getattr(import_module(f"billing.exports.{module}"), function)


def _format(fmt: str) -> ExportFormat:
    try:
        return FORMATS[fmt]
    except (KeyError, TypeError):
        raise ValidationError(
            _("Unknown export format %(format)s; use one of %(formats)s."),
            code="unknown_format",
            params={"format": fmt, "formats": ", ".join(FORMATS)},
        ) from None


def file_name(batch: InvoiceBatch, fmt: str) -> str:
    """``fakturor-<organiser slug>-<batch id><suffix>``: made of a slug and a number only."""
    return f"fakturor-{batch.organizer.slug}-{batch.pk}{_format(fmt).suffix}"


def render(batch: InvoiceBatch, fmt: str) -> tuple[str, bytes]:
    """The file name and the bytes of ``batch`` in format ``fmt`` (rendered now, not stored)."""
    from billing.exports.data import load

    export_format = _format(fmt)
    return file_name(batch, fmt), _renderer(export_format)(load(batch))


def check_exportable(batch: InvoiceBatch) -> None:
    if batch.status not in EXPORTABLE:
        raise ValidationError(
            _("Only an approved batch can be exported; approve the batch first."), code="batch_not_approved"
        )


def export_batch(batch: InvoiceBatch, fmt: str, *, actor=None) -> BatchExport:
    """The stored export of ``batch`` in ``fmt``: made and stored on the first call, returned as is after.

    Raises ValidationError for an unknown format or a batch that is not approved (or sent).
    """
    _format(fmt)
    existing = BatchExport.objects.filter(batch=batch, format=fmt).first()
    if existing is not None:
        return existing
    check_exportable(batch)
    name, content = render(batch, fmt)
    return _store(batch, fmt, name, content, actor)


def _store(batch: InvoiceBatch, fmt: str, name: str, content: bytes, actor) -> BatchExport:
    with transaction.atomic():
        # The batch row serialises concurrent first exports: the second waits and then finds the first.
        locked = InvoiceBatch.objects.select_for_update().get(pk=batch.pk)
        check_exportable(locked)
        existing = BatchExport.objects.filter(batch=batch, format=fmt).first()
        if existing is not None:
            return existing
        export = BatchExport(
            batch=batch,
            format=fmt,
            file_name=name,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            created_by=actor,
        )
        export.file.save(name, ContentFile(content), save=False)
        stored = export.file.name
        try:
            export.save()
        except Exception:
            export.file.storage.delete(stored)
            raise
    return export


def export_all(batch: InvoiceBatch, formats=None, *, actor=None) -> dict[str, BatchExport]:
    """The stored exports of ``batch`` in ``formats`` (all but PDF by default), the invoices loaded once for
    all the formats not stored yet. Raises ValidationError as export_batch does."""
    from billing.exports.data import load

    formats = [fmt for fmt in FORMATS if fmt != "pdf"] if formats is None else list(formats)
    for fmt in formats:
        _format(fmt)
    exports = {export.format: export for export in BatchExport.objects.filter(batch=batch, format__in=formats)}
    missing = [fmt for fmt in formats if fmt not in exports]
    if missing:
        check_exportable(batch)
        data = load(batch)
        for fmt in missing:
            exports[fmt] = _store(batch, fmt, file_name(batch, fmt), _renderer(FORMATS[fmt])(data), actor)
    return exports


def export_bytes(export: BatchExport) -> bytes:
    """The stored bytes of an export, checked against the SHA-256 recorded when it was made."""
    with export.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != export.sha256:
        raise ValidationError(
            _("The stored file of this export has been altered; it is not served."), code="export_altered"
        )
    return content
