"""The fee pages: a network's fee schedule and its members' fee bases (for its leads), and what is due to be
invoiced (for finance, scoped to their organisers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from billing import due, fees
from billing.fee_forms import (
    ConfirmBasisForm,
    DueForm,
    FeeScheduleForm,
    installment_formset,
    tier_formset,
)
from billing.models import FeeBasis, FeeSchedule, InvoiceLine
from networks.models import Membership, Network
from networks.permissions import network_for_lead_or_404

FINANCE_ROLES = {roles.Role.FINANCE, roles.Role.ADMINISTRATOR}


def _schedule_of(network: Network) -> FeeSchedule | None:
    return FeeSchedule.objects.filter(network=network).prefetch_related("tiers", "installments").first()


def _render_schedule(request, network, schedule, form, tiers, installments, errors=None, status=200):
    context = {
        "network": network,
        "schedule": schedule,
        "form": form,
        "tiers": tiers,
        "installments": installments,
        "errors": errors or {},
        "tier_text": fees.describe_tiers(schedule) if schedule else "",
        "boundaries": fees.boundary_sentences(schedule) if schedule else [],
        "parts": fees.installment_amounts(schedule, schedule.flat_amount)
        if schedule and schedule.kind == FeeSchedule.Kind.FLAT and schedule.flat_amount is not None
        else [],
    }
    return render(request, "billing/fees/schedule.html", context, status=status)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's fee: flat or tiers by population, VAT, days to pay, meeting costs, installments."""
    network = network_for_lead_or_404(request.user, slug)
    schedule = _schedule_of(network)
    if request.method != "POST":
        return _render_schedule(
            request,
            network,
            schedule,
            FeeScheduleForm(initial=FeeScheduleForm.initial_for(schedule)),
            tier_formset(schedule),
            installment_formset(schedule),
        )
    form = FeeScheduleForm(request.POST)
    tiers = tier_formset(schedule, data=request.POST)
    installments = installment_formset(schedule, data=request.POST)
    errors: dict[str, list[str]] = {}
    if all([form.is_valid(), tiers.is_valid(), installments.is_valid()]):
        try:
            fees.save_fee_schedule(
                network,
                request.user,
                form.schedule_data(),
                tiers=tiers.rows(),
                installments=installments.rows(),
            )
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                if name in ("tiers", "installments"):
                    errors[name] = field_messages
                else:
                    form.add_error(name if name in form.fields else None, field_messages)
        else:
            messages.success(request, _("The fee was saved."))
            return redirect("fees:schedule", slug=network.slug)
    return _render_schedule(request, network, schedule, form, tiers, installments, errors)


def _bases(network: Network):
    memberships = list(
        Membership.objects.filter(network=network)
        .select_related("municipality", "fee_basis__confirmed_by")
        .order_by("municipality__name", "pk")
    )
    billed = set(
        InvoiceLine.objects.filter(membership__network=network, installment__isnull=False).values_list(
            "membership_id", flat=True
        )
    )
    rows = []
    for membership in memberships:
        basis = getattr(membership, "fee_basis", None)
        if basis is not None:
            basis.population_display = fees.inhabitants(basis.population) if basis.population is not None else "–"
        rows.append((membership, basis, membership.pk in billed))
    return rows


@roles.network_lead_required
@require_http_methods(["GET"])
def bases(request: HttpRequest, slug: str) -> HttpResponse:
    """Each member's frozen population, its year and source, and fee; register figures await confirmation."""
    network = network_for_lead_or_404(request.user, slug)
    context = {"network": network, "schedule": _schedule_of(network), "rows": _bases(network), "form": None}
    return render(request, "billing/fees/bases.html", context)


@roles.network_lead_required
@require_POST
def confirm_basis(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Confirm a member's population (or give the right one and its year)."""
    network = network_for_lead_or_404(request.user, slug)
    basis = get_object_or_404(
        FeeBasis.objects.filter(membership__network=network).select_related("membership__network"), pk=pk
    )
    form = ConfirmBasisForm(request.POST, prefix=f"basis-{basis.pk}")
    if form.is_valid():
        try:
            fees.confirm_fee_basis(
                basis,
                request.user,
                population=form.cleaned_data.get("population"),
                population_year=form.cleaned_data.get("population_year"),
            )
        except ValidationError as error:
            for field_messages in error.message_dict.values() if hasattr(error, "error_dict") else [error.messages]:
                for message in field_messages:
                    form.add_error(None, message)
        else:
            messages.success(
                request,
                _("The population of %(municipality)s was confirmed.")
                % {"municipality": basis.membership.municipality.name},
            )
            return redirect("fees:bases", slug=network.slug)
    context = {
        "network": network,
        "schedule": _schedule_of(network),
        "rows": _bases(network),
        "form": form,
        "form_basis": basis.pk,
    }
    return render(request, "billing/fees/bases.html", context, status=400)


@roles.finance_required
@require_http_methods(["GET"])
def due_preview(request: HttpRequest) -> HttpResponse:
    """What is due up to a date (today by default) in the user's organisers' networks, per network."""
    form = DueForm(request.GET or None, initial={"datum": timezone.localdate()})
    allowed = roles.organizer_ids(request.user, FINANCE_ROLES)
    networks = Network.objects.filter(fee_schedule__isnull=False).select_related("organizer").order_by("title")
    if allowed is not None:
        networks = networks.filter(organizer_id__in=allowed)
    on, network, status = timezone.localdate(), None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        on = form.cleaned_data.get("datum") or on
        slug = form.cleaned_data.get("natverk")
        if slug:
            network = networks.filter(slug=slug).first()
            if network is None:
                raise Http404
    preview = due.due_preview(organizer=allowed, on=on, network=network) if status == 200 else None
    context = {"form": form, "preview": preview, "on": on, "network": network, "networks": list(networks)}
    return render(request, "billing/fees/due.html", context, status=status)
