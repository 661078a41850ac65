from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import roles
from networks.permissions import networks_led_by


@roles.network_lead_required
def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/lead/network_list.html", {"networks": networks_led_by(request.user)})
