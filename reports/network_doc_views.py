"""The network leads' documents of one network: the selection report PDF, the contact list, the attendance list.

Access as on the other lead pages: the network's leads (and superusers). Another organiser's network,
or a meeting of another network under the slug, is a 404; users without a lead role get a 403;
anonymous users go to the login page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts import roles
from meetings.models import Meeting
from networks.permissions import network_for_lead_or_404
from reports import attendance, contacts, pdf, selection_report


@roles.network_lead_required
@require_GET
def selection_report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    data = selection_report.selection_report_pdf(network)
    return pdf.pdf_response(data, selection_report.selection_report_file_name(network))


@roles.network_lead_required
@require_GET
def contact_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    return render(request, "reports/contacts_page.html", contacts.contact_list_context(network))


@roles.network_lead_required
@require_GET
def contact_list_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    return pdf.pdf_response(contacts.contact_list_pdf(network), contacts.contact_list_file_name(network))


@roles.network_lead_required
@require_GET
def attendance_list_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = network_for_lead_or_404(request.user, slug)
    # Looked up within the network: another network's meeting under this slug is a 404.
    meeting = get_object_or_404(Meeting.objects.filter(network=network).select_related("membership"), pk=pk)
    meeting.network = network
    return pdf.pdf_response(attendance.attendance_list_pdf(meeting), attendance.attendance_list_file_name(meeting))
