"""The attendance list of a meeting for signing (närvarolista), as a PDF.

The same list as the printable page (meetings/attendance/list.html): per member municipality its
participants, those who answered that they come first, with an empty column to sign in; then a few
blank rows for those who come without being on the list. The meeting's title, date and time
(Europe/Stockholm), place (or "Digitalt") and the network's title head the list.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings import attendance, selectors
from meetings.models import Meeting
from reports import pdf

# Empty rows at the end of the list, for those who come without being on it (as on the printable page).
BLANK_ROWS = 5


def meeting_place(meeting: Meeting) -> dict:
    """The address lines (may be empty) and how the meeting is held, e.g. "Digitalt"."""
    lines = [line.strip() for line in meeting.address.splitlines() if line.strip()]
    on_site_only = meeting.mode == Meeting.Mode.PHYSICAL and lines
    return {"lines": lines, "mode": "" if on_site_only else meeting.get_mode_display()}


def attendance_list_context(meeting: Meeting) -> dict:
    """The list's groups and the meeting's facts; texts made here are in the active language."""
    network = meeting.network
    sheet = attendance.attendance_sheet(meeting)
    starts = timezone.localtime(meeting.starts_at) if meeting.starts_at else None
    return {
        "network": network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "date": starts.date() if starts else None,
        "place": meeting_place(meeting),
        "groups": [(group, group.signing_order()) for group in sheet],
        "totals": attendance.sheet_totals(sheet),
        "blank_rows": range(BLANK_ROWS),
        "now": timezone.now(),
    }


def attendance_list_document_context(meeting: Meeting) -> dict:
    with translation.override(pdf.DOCUMENT_LANGUAGE):
        context = attendance_list_context(meeting)
        network = context["network"]
        title = _("Attendance list")
        return context | {
            "title": f"{title}: {meeting.title}",
            "heading": title,
            "organizer_name": network.organizer.name,
            "logo": pdf.logo_data_uri(network.organizer),
            "document_date": context["date"] or timezone.localdate(),
            "description": f"{meeting.title}, {context['when']} – {network.title}",
        }


def attendance_list_html(meeting: Meeting) -> str:
    return pdf.render_html("reports/attendance_list.html", attendance_list_document_context(meeting))


def attendance_list_pdf(meeting: Meeting) -> bytes:
    return pdf.html_to_pdf(attendance_list_html(meeting))


def attendance_list_file_name(meeting: Meeting) -> str:
    starts = timezone.localtime(meeting.starts_at).date().isoformat() if meeting.starts_at else ""
    return pdf.file_name("narvarolista", meeting.title, starts)
