"""The network leads' pages: their networks, the invitation editor, preview, overview, status and members."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, ProtectedError, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from core.pagecache import cached_page
from networks import services
from networks.forms import DirectMembershipForm, MembershipLeaveForm, NetworkForm, StatusForm, part_formsets
from networks.member_views import MembershipSummary
from networks.models import Membership, MembershipCommitment, Network, NetworkCommitment
from networks.permissions import membership_for_lead_or_404, network_for_lead_or_404, with_progress
from networks.selectors import network_for_lead_with_parts_or_404, network_overview_counts, networks_for_lead_list

PAGE_SIZE = 50


@cached_page
@roles.network_lead_required
def network_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(networks_for_lead_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "networks/lead/network_list.html", {"networks": page, "page": page})


def _edit(request: HttpRequest, network: Network) -> HttpResponse:
    """The invitation editor, for a new network (no pk) and an existing one alike."""
    saved_slug = network.slug  # the form may change the instance's slug to something unusable in a URL
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data=data, instance=network, user=request.user)
    formsets = part_formsets(data=data, instance=network)
    # Validate every formset (a list, not a short-circuiting generator) so all errors show at once.
    valid = data is not None and all([form.is_valid()] + [formset.is_valid() for _heading, formset in formsets])
    if valid:
        many = {name: form.cleaned_data[name] for name in ("co_organizers", "efficiency_models")}
        fields = {name: value for name, value in form.cleaned_data.items() if name not in many}
        try:
            with transaction.atomic():
                if network.pk:
                    network = services.network_update(actor=request.user, network=network, **many, **fields)
                else:
                    network = services.network_create(actor=request.user, **many, **fields)
                services.network_save_parts(
                    actor=request.user, network=network, formsets=[formset for _heading, formset in formsets]
                )
        except ValidationError as error:
            form.add_error(None, error)
        except ProtectedError:  # a removed commitment (or other part) that applications or memberships refer to
            form.add_error(
                None,
                _(
                    "A part of the invitation that applications or memberships refer to cannot be removed. "
                    "Change its text instead."
                ),
            )
        else:
            messages.success(request, _("The network was saved."))
            return redirect("leads:network_overview", slug=network.slug)
    return render(
        request,
        "networks/lead/network_form.html",
        {"network": network, "saved_slug": saved_slug, "form": form, "formsets": formsets},
    )


@roles.network_lead_required
def network_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, Network())


@roles.network_lead_required
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _edit(request, network_for_lead_or_404(request.user, slug))


@roles.network_lead_required
def network_preview(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_with_parts_or_404(user=request.user, slug=slug)
    return render(request, "networks/lead/network_preview.html", {"network": network})


@roles.network_lead_required
def network_overview(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_with_parts_or_404(user=request.user, slug=slug)
    context = {
        "network": network,
        "counts": network_overview_counts(network=network),
        "next_statuses": [s for s in Network.Status if s in services.ALLOWED_TRANSITIONS[network.status]],
    }
    return render(request, "networks/lead/network_overview.html", context)


@require_POST
@roles.network_lead_required
def network_status(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("leads:network_overview", slug=network.slug)
    status = form.cleaned_data["status"]
    try:
        if status == Network.Status.OPEN:
            network = services.network_open_applications(actor=request.user, network=network)
        elif status == Network.Status.SELECTION:
            network = services.network_close_applications(actor=request.user, network=network)
        else:
            network = services.network_set_status(actor=request.user, network=network, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The network’s status is now “%(status)s”.") % {"status": network.get_status_display()}
        )
    return redirect("leads:network_overview", slug=network.slug)


# --- Members -------------------------------------------------------------------------------


def _with_settled_commitments(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    """Memberships with their commitments no longer outstanding counted (a subquery, no join to multiply).

    A commitment is outstanding until the lead has received it; one of another kind than the
    leadership decision also stops being outstanding once confirmed (the rule of meetings.followup).
    """
    settled = (
        MembershipCommitment.objects.filter(membership=OuterRef("pk"))
        .filter(
            Q(received_at__isnull=False) | (Q(confirmed=True) & ~Q(commitment__kind=NetworkCommitment.Kind.DECISION))
        )
        .order_by()
        .values("membership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(commitments_settled=Coalesce(Subquery(settled, output_field=IntegerField()), 0))


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's members, and adding one without an application (a direct invitation)."""
    network = network_for_lead_or_404(request.user, slug)
    form = DirectMembershipForm(data=request.POST if request.method == "POST" else None, network=network)
    if form.is_bound and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        try:
            services.membership_add_direct(
                network=network,
                municipality=municipality,
                actor=request.user,
                started_on=form.cleaned_data["started_on"],
                allow_over_capacity=form.cleaned_data["confirm_over_capacity"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s is now a member. Its representatives complete the membership on their membership page.")
                % {"name": municipality.name},
            )
            return redirect("leads:members", slug=network.slug)
    members = _with_settled_commitments(with_progress(network.memberships.all())).order_by(
        "status", "municipality__name", "pk"
    )
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    for member in page:
        member.commitments_outstanding = max(member.commitments_total - member.commitments_settled, 0)
    active = network.memberships.filter(status=Membership.Status.ACTIVE).count()
    context = {"network": network, "members": page, "page": page, "form": form, "active": active}
    return render(request, "networks/lead/members.html", context)


def _render_member(request: HttpRequest, membership: Membership, leave_form=None) -> HttpResponse:
    summary = MembershipSummary(membership)
    if summary.is_active and leave_form is None:
        leave_form = MembershipLeaveForm()
    context = {"membership": membership, "network": membership.network, "summary": summary, "leave_form": leave_form}
    return render(request, "networks/lead/member_detail.html", context)


@roles.network_lead_required
def member_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _render_member(request, membership_for_lead_or_404(request.user, slug, pk))


@require_POST
@roles.network_lead_required
def member_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """End a membership. Small on purpose: offering the place to the waiting list may replace it."""
    membership = membership_for_lead_or_404(request.user, slug, pk)
    form = MembershipLeaveForm(request.POST)
    if form.is_valid():
        try:
            services.membership_leave(
                membership=membership,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                left_on=form.cleaned_data["left_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The membership has ended. A free place is offered to the first on the waiting list, if any."),
            )
            return redirect("leads:member_detail", slug=membership.network.slug, pk=membership.pk)
    return _render_member(request, membership, leave_form=form)
