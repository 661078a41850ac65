"""Finance's batch pages (/ekonomi/fakturaunderlag/): the list, create from the due preview, review (remove
a draft invoice, discard, approve), export in five formats, send and retry a failed send.

Finance staff see only their organisers' batches (another organiser's batch is a 404); staff without the
finance role get a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from billing import batches, sending
from billing.batch_forms import BatchCreateForm
from billing.models import BatchExport, Invoice, InvoiceBatch
from core.pagecache import cached_page

PAGE_SIZE = 50


def _batch_or_404(request: HttpRequest, pk: int) -> InvoiceBatch:
    return get_object_or_404(batches.batches_for(request.user).select_related("organizer", "network"), pk=pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@cached_page
@roles.finance_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    rows = (
        batches.batches_for(request.user)
        .select_related("organizer", "network", "created_by")
        .annotate(
            invoice_count=Count("invoices"),
            total=Sum("invoices__total_incl_vat"),
            sent_count=Count("invoices", filter=Q(invoices__sent_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    organizers = list(batches.finance_organizers(request.user))
    context = {"batches": page, "page": page, "form": BatchCreateForm(user=request.user), "organizers": organizers}
    return render(request, "billing/batches/list.html", context)


@roles.finance_required
@require_POST
def batch_create(request: HttpRequest) -> HttpResponse:
    form = BatchCreateForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            batch = batches.batch_create(
                organizer=form.cleaned_data["organizer_obj"],
                actor=request.user,
                due_on=form.cleaned_data["due_on"],
                network=form.cleaned_data["network_obj"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The batch was created: review it, then approve it."))
            return redirect("batches:detail", pk=batch.pk)
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("batches:list")


@cached_page
@roles.finance_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    invoices = (
        batch.invoices.select_related("network")
        .prefetch_related("lines")
        .order_by("network__title", "buyer_name", "pk")
    )
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    issued = batch.invoices.filter(status=Invoice.Status.ISSUED)
    context = {
        "batch": batch,
        "invoices": page,
        "page": page,
        "summary": batches.batch_summary(batch),
        "formats": BatchExport.Format.choices,
        "exports": {export.format: export for export in batch.exports.all()},
        # Over the whole batch, not only this page.
        "without_email": list(issued.filter(buyer_email="").order_by("sequence", "pk").only("number", "buyer_name")),
        "to_send": issued.exclude(buyer_email="").filter(sent_at__isnull=True).count(),
    }
    return render(request, "billing/batches/detail.html", context)


@roles.finance_required
@require_POST
def batch_remove_invoice(request: HttpRequest, pk: int, invoice_pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    invoice = get_object_or_404(batch.invoices, pk=invoice_pk)
    try:
        batches.batch_remove_invoice(batch, invoice, request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The invoice was removed from the batch; its charges are due again."))
    return redirect("batches:detail", pk=batch.pk)


@roles.finance_required
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        batches.batch_discard(batch, request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("batches:detail", pk=batch.pk)
    messages.success(request, _("The batch was discarded; its charges are due again."))
    return redirect("batches:list")


@roles.finance_required
@require_POST
def batch_approve(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        batches.batch_approve(batch, request.user)
    except ValidationError as error:
        messages.error(
            request, _("The batch was not approved (no invoice was issued): %(error)s") % {"error": _error_text(error)}
        )
    else:
        messages.success(request, _("The batch was approved: the invoices have their numbers."))
    return redirect("batches:detail", pk=batch.pk)


@roles.finance_required
@require_GET
def batch_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from billing.exports import export_batch

    batch = _batch_or_404(request, pk)
    if fmt not in BatchExport.Format.values:
        raise Http404
    if batch.status == InvoiceBatch.Status.DRAFT:
        messages.error(request, _("Approve the batch before exporting it."))
        return redirect("batches:detail", pk=batch.pk)
    try:
        export = export_batch(batch, fmt, actor=request.user)
    except ValidationError as error:  # e.g. an account missing in the organiser's SIE settings
        messages.error(request, _error_text(error))
        return redirect("batches:detail", pk=batch.pk)
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.file_name)


@roles.finance_required
@require_POST
def batch_send(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    try:
        result = batches.batch_send(batch, request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("batches:detail", pk=batch.pk)
    if result.queued:
        count = len(result.queued)
        messages.success(
            request,
            ngettext("%(count)d invoice is being e-mailed.", "%(count)d invoices are being e-mailed.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("No invoice is left to e-mail."))
    if result.without_email:
        count = len(result.without_email)
        messages.warning(
            request,
            ngettext(
                "%(count)d invoice has no buyer e-mail: deliver it with the export.",
                "%(count)d invoices have no buyer e-mail: deliver them with the export.",
                count,
            )
            % {"count": count},
        )
    return redirect("batches:detail", pk=batch.pk)


@roles.finance_required
@require_POST
def invoice_retry(request: HttpRequest, pk: int, invoice_pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    invoice = get_object_or_404(batch.invoices, pk=invoice_pk)
    try:
        sending.retry_send(invoice, request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The invoice %(number)s is being e-mailed again.") % {"number": invoice.number})
    return redirect("batches:detail", pk=batch.pk)
