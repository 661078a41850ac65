"""The municipality's efficiency profile as a PDF: the same people as its page (staff, its own representatives)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from municipalities.efficiency_page import efficiency_municipality_or_404
from reports import pdf, profile


@login_required
def profile_pdf(request: HttpRequest, code: str) -> HttpResponse:
    municipality = efficiency_municipality_or_404(request.user, code)
    data = profile.profile_pdf(municipality, user=request.user)
    return pdf.pdf_response(data, profile.profile_file_name(municipality))
