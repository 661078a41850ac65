"""The network leads' final report page and document hub, and the stored documents' status and download.

Access as on the other lead pages: the network's leads (and superusers). Another organiser's network, or
a document of another network under the slug, is a 404; users without a lead role get a 403; anonymous
users go to the login page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from meetings.models import Meeting
from networks.models import Network
from networks.permissions import network_for_lead_or_404
from reports import final_report, selection_report, stored
from reports.forms import FinalReportForm
from reports.models import StoredDocument

Status = StoredDocument.Status


@dataclass
class DocumentBox:
    """A kind of stored document on a page: its latest document and whether the data changed since."""

    kind: str
    document: StoredDocument | None
    outdated: bool | None = False  # finished, but made from other data than there is now (None: not checked)

    @property
    def label(self) -> str:
        return str(StoredDocument.Kind(self.kind).label)

    @property
    def is_pdf(self) -> bool:
        return stored.BUILDERS[self.kind].content_type == "application/pdf"

    @property
    def busy(self) -> bool:
        return self.document is not None and self.document.status in stored.UNFINISHED

    @property
    def done(self) -> bool:
        return self.document is not None and self.document.status == Status.DONE

    @property
    def failed(self) -> bool:
        return self.document is not None and self.document.status == Status.FAILED


def document_box(network: Network, kind: str, *, source_fingerprint: str | None = None) -> DocumentBox:
    """The box of ``kind``; the fingerprint of the data now is taken (or given) only for a finished document."""
    document = stored.latest_document(network, kind)
    outdated = False
    if document is not None and document.status == Status.DONE:
        if source_fingerprint is None and not stored.BUILDERS[kind].checked_on_page:
            return DocumentBox(kind=kind, document=document, outdated=None)
        current = source_fingerprint or stored.current_fingerprint(network, kind)
        outdated = document.fingerprint != current
    return DocumentBox(kind=kind, document=document, outdated=outdated)


def _document_or_404(network: Network, pk: int) -> StoredDocument:
    # Looked up within the network: another network's document under this slug is a 404.
    return get_object_or_404(StoredDocument.objects.filter(network=network, kind__in=list(stored.BUILDERS)), pk=pk)


def _download_url(network: Network, document: StoredDocument) -> str:
    return reverse("reports:document_download", kwargs={"slug": network.slug, "pk": document.pk})


# --- The final report -----------------------------------------------------------------------------


def _render_final_report(request: HttpRequest, network: Network, form: FinalReportForm) -> HttpResponse:
    context = final_report.final_report_context(network)
    source = final_report.final_report_source(network, context=context)
    box = document_box(network, StoredDocument.Kind.FINAL_REPORT, source_fingerprint=stored.fingerprint(source))
    page = {
        "network": network,
        "form": form,
        "report": context,
        "box": box,
        "failed_message": stored.FAILED_MESSAGE,
    }
    return render(request, "reports/final_report_page.html", page)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def final_report_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    report = final_report.final_report_of(network)
    if request.method == "POST":
        form = FinalReportForm(request.POST, instance=report)
        if form.is_valid():
            final_report.final_report_save(network=network, actor=request.user, data=form.cleaned_data)
            messages.success(request, _("The final report’s sections are saved."))
            return redirect("reports:final_report", slug=network.slug)
    else:
        form = FinalReportForm(instance=report)
    return _render_final_report(request, network, form)


# --- Stored documents -----------------------------------------------------------------------------


@roles.network_lead_required
@require_GET
def documents(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    kinds = [kind for kind in StoredDocument.Kind.values if kind in stored.BUILDERS]
    boxes = [document_box(network, kind) for kind in kinds]
    context = {
        "network": network,
        "boxes": boxes,
        "failed_message": stored.FAILED_MESSAGE,
        "has_applications": selection_report.has_selection_report(network),
        "meetings": list(Meeting.objects.filter(network=network).order_by("sort_date", "starts_at", "pk")),
    }
    return render(request, "reports/documents.html", context)


@roles.network_lead_required
@require_POST
def document_request(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    if kind not in stored.BUILDERS:
        raise Http404
    document = stored.request_document(network, kind, request.user)
    if document.status == Status.DONE:
        messages.info(request, _("Nothing has changed since the document was made, so it is ready to download."))
    else:
        messages.success(request, _("The document is being made. It takes a little while."))
    if kind == StoredDocument.Kind.FINAL_REPORT and request.POST.get("back") != "documents":
        return redirect(reverse("reports:final_report", kwargs={"slug": network.slug}) + f"#document-{kind}")
    return redirect(reverse("reports:documents", kwargs={"slug": network.slug}) + f"#document-{kind}")


@roles.network_lead_required
@require_GET
def document_status(request: HttpRequest, slug: str, pk: int) -> JsonResponse:
    network = network_for_lead_or_404(request.user, slug)
    document = _document_or_404(network, pk)
    done = document.status == Status.DONE
    failed = document.status == Status.FAILED
    response = JsonResponse(
        {
            "status": document.status,
            "status_label": str(document.get_status_display()),
            "progress": document.progress,
            "step": document.step,
            "download_url": _download_url(network, document) if done and document.file else None,
            "error": str(stored.FAILED_MESSAGE) if failed else "",
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@roles.network_lead_required
@require_GET
def document_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    network = network_for_lead_or_404(request.user, slug)
    document = _document_or_404(network, pk)
    if document.status != Status.DONE or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.file_name or f"dokument.{document.extension}",
        content_type=stored.BUILDERS[document.kind].content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
