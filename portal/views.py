from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from core.pagecache import cached_page
from networks.selectors import public_catalogue, public_invitation_or_404
from portal.invitation import invitation_fees

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what the service is, and for a logged-in user where to go next."""
    user = request.user
    context = {
        "is_staff_member": roles.is_staff_member(user),
        "is_representative": roles.is_representative(user),
        "role_labels": roles.role_labels(user) if user.is_authenticated else [],
    }
    return render(request, "portal/home.html", context)


@cached_page(shared_for_anonymous=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    """The public list of networks, those accepting applications first."""
    page = Paginator(public_catalogue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/catalogue.html", {"networks": page, "page": page})


@cached_page(shared_for_anonymous=True)
def invitation(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's public invitation; drafts and archived networks do not exist here (leads preview them)."""
    network = public_invitation_or_404(slug=slug)
    return render(request, "portal/invitation.html", {"network": network, "fees": invitation_fees(network)})
