"""The network invitation as a PDF, laid out like the organisers' own invitations (seeds 000 and 001).

Title, background and purpose, how the network works, the timetable of meetings, the fee (tiers by population,
excluding VAT, and when it is invoiced), the selection, how to apply and by when, and whom to contact.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from meetings.selectors import timetable
from networks.models import Network
from portal.invitation import invitation_fees
from reports import pdf

TEMPLATE = "portal/pdf/invitation.html"
CACHE_SECONDS = 24 * 60 * 60


def invitation_context(network: Network) -> dict:
    """Everything the invitation PDF shows (a constant number of queries however many meetings and tiers).

    Texts made here (the fee's tiers and boundary rule) are in Swedish, as the document, whoever asks.
    """
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        return _context(network)


def _context(network: Network) -> dict:
    organizer = network.organizer
    return {
        "title": network.title,
        "organizer_name": organizer.name,
        "logo": pdf.logo_data_uri(organizer),
        "document_date": timezone.localdate(),
        "description": network.summary,
        "network": network,
        "co_organizers": list(network.co_organizers.all()),
        "meetings": timetable(network),
        "fees": invitation_fees(network),
        "apply_url": settings.SITE_URL.rstrip("/") + reverse("applications:apply", args=[network.slug]),
        "accepts_applications": network.accepts_applications(),
    }


def invitation_html(network: Network) -> str:
    return pdf.render_html(TEMPLATE, invitation_context(network))


def invitation_pdf(network: Network) -> bytes:
    """The invitation as PDF bytes (Swedish, tagged PDF/UA)."""
    return pdf.html_to_pdf(invitation_html(network))


def cached_invitation_pdf(network: Network) -> bytes:
    """The invitation's PDF, rendered once per content: anyone may download a public invitation, so a burst of
    downloads costs one rendering (the cache key is the HTML's hash: any change of the invitation renders anew)."""
    html = invitation_html(network)
    key = "invitation-pdf:" + hashlib.sha256(html.encode("utf-8")).hexdigest()
    data = cache.get(key)
    if data is None:
        data = pdf.html_to_pdf(html)
        cache.set(key, data, CACHE_SECONDS)
    return data


def invitation_file_name(network: Network) -> str:
    return pdf.file_name("inbjudan", network.slug)
