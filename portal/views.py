from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what the service is, and for a logged-in user where to go next."""
    user = request.user
    context = {
        "is_staff_member": roles.is_staff_member(user),
        "is_representative": roles.is_representative(user),
        "role_labels": roles.role_labels(user) if user.is_authenticated else [],
    }
    return render(request, "portal/home.html", context)


def catalogue(request: HttpRequest) -> HttpResponse:
    from networks.permissions import public_networks

    return render(request, "portal/catalogue.html", {"networks": public_networks()})


def invitation(request: HttpRequest, slug: str) -> HttpResponse:
    from django.shortcuts import get_object_or_404

    from networks.permissions import public_networks

    network = get_object_or_404(public_networks(), slug=slug)
    return render(request, "portal/invitation.html", {"network": network})
