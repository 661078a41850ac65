"""The application receipt as a PDF download, for whoever may read the application."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from applications import selectors
from applications.views import reader_required
from reports.pdf import pdf_response
from reports.receipt import NoReceipt, receipt_file_name, receipt_pdf, receipt_version

MAX_VERSION = 2**31 - 1  # the largest a PositiveIntegerField holds everywhere


def _version_number(request: HttpRequest) -> int | None:
    """``?version=N`` as a number (None when not given); anything but a positive number is a 404."""
    raw = request.GET.get("version")
    if raw is None:
        return None
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_VERSION:
        raise Http404
    return int(raw)


@require_safe
@reader_required
def receipt_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of the latest submitted version (or ``?version=N``): the municipality's own representatives and
    the network's leads, as the application page (others get a 404); a draft never submitted has none (404)."""
    application = selectors.application_readable_or_404(request.user, pk)
    try:
        version = receipt_version(application, _version_number(request))
    except NoReceipt:
        raise Http404 from None
    return pdf_response(receipt_pdf(application, version), receipt_file_name(application, version))
