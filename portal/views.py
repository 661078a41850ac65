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
