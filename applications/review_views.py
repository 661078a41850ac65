from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from networks.permissions import network_for_lead_or_404


@roles.network_lead_required
def application_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    return render(request, "applications/review/list.html", {"network": network})
