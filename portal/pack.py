"""The network pack: every document of a network in one zip, made in the background (reports.stored).

The parts: the invitation, the selection report (when there were applications), the participant and contact
list, an attendance list for signing per meeting, and the final report. The pack lives in portal because the
invitation (with its fees from billing) does; it is registered as the builder of ``network_pack``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from meetings.models import Meeting
from networks.models import Network
from portal import documents as invitation
from reports import attendance, contacts, final_report, pdf, selection_report, stored
from reports.models import StoredDocument


@dataclass(frozen=True)
class Part:
    file_name: str
    html: Callable[[], str]  # the document's HTML (rendered once: for the fingerprint or for the PDF)
    source: Callable[[], str] | None = None  # what the fingerprint is taken from, when not the HTML


def pack_parts(network: Network) -> list[Part]:
    parts = [Part(invitation.invitation_file_name(network), lambda: invitation.invitation_html(network))]
    if selection_report.has_selection_report(network):
        parts.append(
            Part(
                selection_report.selection_report_file_name(network),
                lambda: selection_report.selection_report_html(network),
            )
        )
    parts.append(Part(contacts.contact_list_file_name(network), lambda: contacts.contact_list_html(network)))
    meetings = Meeting.objects.filter(network=network).order_by("sort_date", "starts_at", "pk")
    for meeting in meetings:
        parts.append(
            Part(
                attendance.attendance_list_file_name(meeting),
                lambda meeting=meeting: attendance.attendance_list_html(meeting),
            )
        )
    parts.append(
        Part(
            final_report.final_report_file_name(network),
            lambda: final_report.final_report_html(network),
            source=lambda: final_report.final_report_source(network),
        )
    )
    return _unique_names(parts)


def _unique_names(parts: list[Part]) -> list[Part]:
    seen: dict[str, int] = {}
    unique = []
    for part in parts:
        name = part.file_name
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name.removesuffix('.pdf')}-{seen[name]}.pdf"
        unique.append(Part(name, part.html, part.source))
    return unique


def pack_source(network: Network) -> str:
    """What the pack is made from: every part's name and source without the moment it was made, so a change
    of the data makes a new pack and the clock alone does not."""
    return "\n".join(
        f"{part.file_name}\n{pdf.without_stamps((part.source or part.html)())}" for part in pack_parts(network)
    )


def pack_file_name(network: Network) -> str:
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        return pdf.file_name(_("Network pack"), network.title).removesuffix(".pdf") + ".zip"


def build_pack(network: Network, progress: stored.Progress) -> tuple[bytes, str, int]:
    """The zip of every part's PDF; ``progress`` is told after each part. Returns (bytes, name, pages)."""
    parts = pack_parts(network)
    buffer = io.BytesIO()
    pages = 0
    with translation.override(pdf.DOCUMENT_LANGUAGE), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, part in enumerate(parts):
            progress(5 + 90 * index // len(parts), _("Making %(name)s") % {"name": part.file_name})
            document = pdf.html_to_document(part.html())
            pages += len(document.pages)
            archive.writestr(part.file_name, document.write_pdf(pdf_variant=pdf.PDF_VARIANT))
        progress(97, _("Packing the zip file"))
    return buffer.getvalue(), pack_file_name(network), pages


def register() -> None:
    """Make the network pack a stored document (portal's AppConfig.ready)."""
    stored.register_builder(
        StoredDocument.Kind.NETWORK_PACK,
        stored.Builder(source=pack_source, build=build_pack, content_type="application/zip", checked_on_page=False),
    )
