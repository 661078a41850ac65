"""Every document the app renders, for the demo's networks: what `make pdfs` writes and `make bench` times.

The documents come from several apps (the invitation from portal, the invoice from billing, the rest from
reports), so the list lives here, in the app that may read them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify


@dataclass(frozen=True)
class Document:
    kind: str  # invitation, receipt, selection_report, contact_list, attendance_list, profile, final_report, …
    path: str  # relative path under the output folder, e.g. "effektivare-kommun/inbjudan.pdf"
    render: Callable[[], bytes]


def _networks():
    from networks.models import Network

    return Network.objects.select_related("organizer").order_by("slug")


def network_documents(network, *, sample: bool = False) -> Iterator[Document]:
    """The documents of one network: invitation, receipts, selection report, lists, final report, invoices."""
    from applications.models import Application
    from billing.models import Invoice
    from billing.pdf import invoice_pdf
    from meetings.models import Meeting
    from portal.documents import invitation_pdf
    from reports.attendance import attendance_list_pdf
    from reports.contacts import contact_list_pdf
    from reports.final_report import final_report_pdf
    from reports.receipt import receipt_pdf
    from reports.selection_report import selection_report_pdf

    slug = network.slug
    yield Document("invitation", f"{slug}/inbjudan.pdf", lambda: invitation_pdf(network))
    applications = list(
        Application.objects.filter(network=network)
        .exclude(submitted_at=None)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    for application in applications[:1] if sample else applications:
        name = f"{slug}/kvitton/{slugify(application.municipality.name)}.pdf"
        yield Document("receipt", name, lambda application=application: receipt_pdf(application))
    if applications:
        yield Document("selection_report", f"{slug}/urvalsrapport.pdf", lambda: selection_report_pdf(network))
    if network.memberships.exists():
        yield Document("contact_list", f"{slug}/kontaktlista.pdf", lambda: contact_list_pdf(network))
        yield Document("final_report", f"{slug}/slutrapport.pdf", lambda: final_report_pdf(network))
    meetings = list(Meeting.objects.filter(network=network).order_by("sort_date", "starts_at", "pk"))
    for meeting in meetings[:1] if sample else meetings:
        day = timezone.localtime(meeting.starts_at).date().isoformat() if meeting.starts_at else "utan-datum"
        name = f"{slug}/narvarolistor/{day}-{meeting.pk}.pdf"
        yield Document("attendance_list", name, lambda meeting=meeting: attendance_list_pdf(meeting))
    invoices = list(Invoice.objects.filter(network=network).exclude(number="").order_by("number"))
    for invoice in invoices[:1] if sample else invoices:
        yield Document("invoice", f"{slug}/fakturor/{invoice.number}.pdf", lambda invoice=invoice: invoice_pdf(invoice))


def profile_documents(*, sample: bool = False) -> Iterator[Document]:
    """The efficiency profile of every municipality that is a member of a demo network."""
    from municipalities.models import Municipality
    from reports.profile import profile_pdf

    municipalities = Municipality.objects.filter(memberships__isnull=False).distinct().order_by("code")
    for municipality in municipalities[:1] if sample else municipalities:
        name = f"kommuner/{municipality.code}-{slugify(municipality.name)}.pdf"
        yield Document("profile", name, lambda municipality=municipality: profile_pdf(municipality))


def all_documents(*, sample: bool = False) -> Iterator[Document]:
    """Every document of the demo (``sample``: only the first document of each kind, for a quick check)."""
    seen: set[str] = set()
    documents = _every_document(sample=sample)
    for document in documents:
        if sample and document.kind in seen:
            continue
        seen.add(document.kind)
        yield document


def _every_document(*, sample: bool) -> Iterator[Document]:
    from reports.pdf import reference_pdf

    yield Document("reference", "referenssida.pdf", reference_pdf)
    for network in _networks():
        yield from network_documents(network, sample=sample)
    yield from profile_documents(sample=sample)
