"""The network invitation as a PDF download, for whoever may read the invitation."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from portal.documents import cached_invitation_pdf, invitation_file_name
from portal.invitation import invitation_network_or_404
from reports.pdf import pdf_response


@require_safe
def invitation_pdf_download(request: HttpRequest, slug: str) -> HttpResponse:
    """A published network's invitation for anyone; a draft or archived one for its leads only (404 otherwise)."""
    network = invitation_network_or_404(user=request.user, slug=slug)
    return pdf_response(cached_invitation_pdf(network), invitation_file_name(network))
