"""The invoice pages: finance's list, invoice, PDF and credit note; a representative's invoices and PDFs.

Finance staff (and administrators) see the invoices of their own organisers only; another organiser's invoice is
a 404. A municipality representative sees their municipality's issued invoices and credit notes (never drafts);
another municipality's is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import roles
from billing import invoicing, money, pdf
from billing.invoice_forms import CreditNoteForm, InvoiceFilterForm
from billing.models import Invoice
from core.pagecache import cached_page
from networks.models import Network

PAGE_SIZE = 50
FINANCE_ROLES = {roles.Role.FINANCE, roles.Role.ADMINISTRATOR}


def finance_invoices(user) -> QuerySet[Invoice]:
    """The invoices of the organisers where ``user`` is finance staff or an administrator."""
    return roles.scope_to_organizers(Invoice.objects.all(), user, roles=FINANCE_ROLES)


def municipality_invoices(user) -> QuerySet[Invoice]:
    """The issued invoices and credit notes of the representative's municipality (none for anyone else)."""
    if not roles.is_representative(user):
        return Invoice.objects.none()
    return Invoice.objects.filter(membership__municipality_id=user.municipality_id).exclude(status=Invoice.Status.DRAFT)


def _pdf_response(invoice: Invoice) -> HttpResponse:
    response = HttpResponse(pdf.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.pdf_file_name(invoice)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Finance -----------------------------------------------------------------------------------------------------


@cached_page
@roles.finance_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    networks = roles.scope_to_organizers(Network.objects.all(), request.user, roles=FINANCE_ROLES).order_by("title")
    form = InvoiceFilterForm(request.GET or None, networks=networks)
    invoices = form.filter(
        invoicing.with_balances(finance_invoices(request.user)).select_related("network", "organizer")
    ).order_by("-issue_date", "-sequence", "-pk")
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    for invoice in page:
        invoice.balance = invoicing.invoice_balance(invoice)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "billing/invoices/list.html", {"form": form, "page": page, "query": query.urlencode()})


def _finance_invoice_or_404(user, pk: int) -> Invoice:
    return get_object_or_404(
        finance_invoices(user).select_related("network", "organizer", "membership__municipality", "credited_invoice"),
        pk=pk,
    )


@roles.finance_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _finance_invoice_or_404(request.user, pk)
    lines = list(invoice.lines.all())
    context = {
        "invoice": invoice,
        "lines": lines,
        "totals": money.totals(lines),
        "balance": invoicing.invoice_balance(invoice),
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.exclude(status=Invoice.Status.DRAFT).order_by("sequence")),
        "history": list(invoice.history.select_related("history_user").order_by("-history_date", "-history_id")),
        "can_credit": invoice.kind == Invoice.Kind.INVOICE and invoice.status in invoicing.CREDITABLE,
    }
    return render(request, "billing/invoices/detail.html", context)


@roles.finance_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(_finance_invoice_or_404(request.user, pk))


@roles.finance_required
def credit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _finance_invoice_or_404(request.user, pk)
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status not in invoicing.CREDITABLE:
        messages.error(request, _("Only an issued invoice that is not fully credited can be credited."))
        return redirect("invoices:detail", pk=invoice.pk)
    lines_left = invoicing.line_left_to_credit(invoice)
    form = CreditNoteForm(request.POST or None, lines_left=lines_left)
    if request.method == "POST" and form.is_valid():
        try:
            note = invoicing.credit_invoice(
                invoice, actor=request.user, reason=form.cleaned_data["reason"], lines=form.credit_lines()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Credit note %(number)s was issued.") % {"number": note.number})
            return redirect("invoices:detail", pk=note.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/invoices/credit.html", {"invoice": invoice, "form": form}, status=status)


# --- The municipality ------------------------------------------------------------------------------------------


@roles.representative_required
def municipality_invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = (
        invoicing.with_balances(municipality_invoices(request.user))
        .select_related("network", "credited_invoice")
        .order_by("-issue_date", "-pk")
    )
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    for invoice in page:
        invoice.balance = invoicing.invoice_balance(invoice)
    return render(request, "billing/invoices/municipality_list.html", {"page": page})


@roles.representative_required
def municipality_invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(municipality_invoices(request.user).select_related("credited_invoice"), pk=pk)
    return _pdf_response(invoice)
