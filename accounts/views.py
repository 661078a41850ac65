from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles, services
from accounts.forms import ProfileForm, RepresentativeLinkForm, RepresentativeUserForm
from accounts.models import User

PAGE_SIZE = 50


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "role_labels": roles.role_labels(user),
        "municipality": user.municipality,
        "requested_municipality": user.requested_municipality,
    }
    return render(request, "accounts/profile.html", context)


def _pending_requests():
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        User.objects.filter(Exists(verified), requested_municipality__isnull=False, municipality__isnull=True)
        .select_related("requested_municipality")
        .order_by("date_joined", "pk")
    )


def _linked_representatives():
    return (
        User.objects.filter(municipality__isnull=False)
        .select_related("municipality", "municipality_linked_by")
        .order_by("municipality__name", "email")
    )


@roles.network_lead_required
def representatives(request: HttpRequest) -> HttpResponse:
    link_form = RepresentativeLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and link_form.is_valid():
        user = link_form.user
        try:
            services.representative_link(
                user=user, municipality=link_form.cleaned_data["municipality"], actor=request.user
            )
        except services.RepresentativeLinkError as exc:
            link_form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("%(user)s now represents %(municipality)s.")
                % {"user": user.email, "municipality": link_form.cleaned_data["municipality"]},
            )
            return redirect("accounts:representatives")
    context = {
        "pending": _pending_requests(),
        "linked": Paginator(_linked_representatives(), PAGE_SIZE).get_page(request.GET.get("page")),
        "link_form": link_form,
    }
    return render(request, "accounts/representatives.html", context, status=400 if link_form.errors else 200)


def _posted_user(request: HttpRequest, queryset) -> User:
    form = RepresentativeUserForm(request.POST)
    if not form.is_valid():
        raise Http404("No such user")
    return get_object_or_404(queryset, pk=form.cleaned_data["user"])


@require_POST
@roles.network_lead_required
def representative_approve(request: HttpRequest) -> HttpResponse:
    user = _posted_user(request, _pending_requests())
    municipality = user.requested_municipality
    services.representative_link(user=user, municipality=municipality, actor=request.user)
    messages.success(
        request, _("%(user)s now represents %(municipality)s.") % {"user": user.email, "municipality": municipality}
    )
    return redirect("accounts:representatives")


@require_POST
@roles.network_lead_required
def representative_reject(request: HttpRequest) -> HttpResponse:
    user = _posted_user(request, _pending_requests())
    services.representative_request_reject(user=user, actor=request.user)
    messages.success(request, _("The request from %(user)s was declined.") % {"user": user.email})
    return redirect("accounts:representatives")


@require_POST
@roles.network_lead_required
def representative_unlink(request: HttpRequest) -> HttpResponse:
    user = _posted_user(request, _linked_representatives())
    municipality = user.municipality
    services.representative_unlink(user=user, actor=request.user)
    messages.success(
        request,
        _("%(user)s no longer represents %(municipality)s.") % {"user": user.email, "municipality": municipality},
    )
    return redirect("accounts:representatives")
