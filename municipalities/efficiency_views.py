"""The efficiency profile page of a municipality, for staff and the municipality's own representatives.

What it shows is built by municipalities.efficiency_page, which the profile's PDF (reports.profile) shares.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from municipalities.efficiency_page import efficiency_municipality_or_404, efficiency_page_context


@login_required
def municipality_efficiency(request: HttpRequest, code: str) -> HttpResponse:
    municipality = efficiency_municipality_or_404(request.user, code)
    context = efficiency_page_context(municipality=municipality, user=request.user)
    return render(request, "municipalities/efficiency.html", context)
