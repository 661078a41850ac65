"""Finance's payments page (/ekonomi/betalningar/): register a payment by hand, import a BgMax file, assign
unmatched payments, and the partly paid, overdue and over-paid lists.

Finance staff see only their organisers' invoices and payments (another organiser's payment is a 404);
staff without the finance role get a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from billing import payments
from billing.batches import FINANCE_ROLES, finance_organizers
from billing.models import BgMaxImport, Payment
from billing.payment_forms import AssignForm, BgMaxForm, PaymentForm


def _add_service_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, field_messages)


def _render(request, *, payment_form=None, bgmax_form=None, assign_forms=None, status=200) -> HttpResponse:
    user = request.user
    organizers = list(finance_organizers(user))
    unmatched = list(payments.unmatched_payments(user)[:200])
    assign_forms = assign_forms or {}
    context = {
        "payment_form": payment_form or PaymentForm(user=user, initial=_initial(request)),
        "bgmax_form": bgmax_form or BgMaxForm(organizers=organizers),
        "unmatched": [
            (payment, assign_forms.get(payment.pk) or AssignForm(user=user, prefix=f"p{payment.pk}"))
            for payment in unmatched
        ],
        "partly_paid": list(payments.partly_paid(user)[:200]),
        "overdue": list(payments.overdue(user)[:200]),
        "overpaid": list(payments.overpaid(user)[:200]),
        "imports": list(
            roles.scope_to_organizers(BgMaxImport.objects.select_related("organizer"), user, roles=FINANCE_ROLES)[:10]
        ),
    }
    return render(request, "billing/payments/overview.html", context, status=status)


def _initial(request) -> dict:
    from django.utils import timezone

    initial = {"paid_on": timezone.localdate()}
    invoice = request.GET.get("faktura", "")
    if invoice and len(invoice) <= 30:
        initial["invoice"] = invoice
    return initial


@roles.finance_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return _render(request)


@roles.finance_required
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    form = PaymentForm(request.POST, user=request.user)
    if form.is_valid():
        invoice = form.cleaned_data["invoice"]
        try:
            payments.register_payment(
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request, _("The payment of invoice %(number)s was registered.") % {"number": invoice.number}
            )
            return redirect("payments:overview")
    return _render(request, payment_form=form, status=400)


@roles.finance_required
@require_POST
def bgmax_import(request: HttpRequest) -> HttpResponse:
    form = BgMaxForm(request.POST, request.FILES, organizers=finance_organizers(request.user))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = payments.import_bgmax(
                organizer=form.cleaned_data["organizer"],
                file_name=upload.name,
                content=upload.read(),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            messages.success(
                request,
                _(
                    "The file was imported: %(matched)d matched, %(unmatched)d unmatched, "
                    "%(duplicates)d already imported."
                )
                % {"matched": record.matched, "unmatched": record.unmatched, "duplicates": record.duplicates},
            )
            return redirect("payments:bgmax_detail", pk=record.pk)
    return _render(request, bgmax_form=form, status=400)


@roles.finance_required
@require_GET
def bgmax_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imports = roles.scope_to_organizers(
        BgMaxImport.objects.select_related("organizer", "imported_by"), request.user, roles=FINANCE_ROLES
    )
    record = get_object_or_404(imports, pk=pk)
    rows = record.payments.select_related("invoice").order_by("invoice_id", "pk")
    return render(request, "billing/payments/bgmax_detail.html", {"record": record, "rows": rows})


@roles.finance_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    unmatched = roles.scope_to_organizers(
        Payment.objects.filter(invoice__isnull=True), request.user, roles=FINANCE_ROLES
    )
    payment = get_object_or_404(unmatched, pk=pk)
    form = AssignForm(request.POST, user=request.user, prefix=f"p{payment.pk}")
    if form.is_valid():
        try:
            payments.assign_payment(payment=payment, invoice=form.cleaned_data["invoice"], actor=request.user)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The payment was matched with invoice %(number)s.") % {"number": form.cleaned_data["invoice"].number},
            )
            return redirect("payments:overview")
    return _render(request, assign_forms={payment.pk: form}, status=400)
