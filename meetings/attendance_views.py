"""The network leads' attendance pages: the check-list per municipality and the printable list for signing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from meetings import attendance, selectors
from meetings.models import Invitation, Meeting
from networks.models import Network
from networks.permissions import network_for_lead_or_404

# Empty rows at the end of the printed list, for those who come without being on it.
BLANK_ROWS = 5


def _meeting_or_404(request: HttpRequest, slug: str, pk: int) -> tuple[Network, Meeting]:
    """A meeting of a network the user leads, looked up within that network (others' ids are a 404)."""
    network = network_for_lead_or_404(request.user, slug)
    meeting = get_object_or_404(Meeting.objects.filter(network=network).select_related("membership"), pk=pk)
    meeting.network = network
    return network, meeting


def _ticked(request: HttpRequest, sheet) -> tuple[set[int] | None, str | None]:
    """The ticked participant ids of the POST, or an error message for a request no form of ours sends."""
    try:
        values = request.POST.getlist("attended")
    except TooManyFieldsSent:
        return None, _("The form was not understood. Reload the page and try again.")
    if len(values) > sum(len(group.rows) for group in sheet):
        return None, _("The form was not understood. Reload the page and try again.")
    ids: set[int] = set()
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 12:
            return None, _("The form was not understood. Reload the page and try again.")
        ids.add(int(value))
    return ids, None


def _render(request, network, meeting, sheet, *, ticked=None, error=None, status=200) -> HttpResponse:
    if ticked is None:
        suggest = request.GET.get("kommer") == "1"
        ticked = {
            row.participant.pk
            for group in sheet
            for row in group.rows
            if row.attended or (suggest and row.attended is None and row.response == Invitation.Response.YES)
        }
    context = {
        "network": network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "sheet": sheet,
        "totals": attendance.sheet_totals(sheet),
        "ticked": ticked,
        "refusal": attendance.refusal(meeting),
        "error": error,
        "yes": Invitation.Response.YES,
        "no": Invitation.Response.NO,
    }
    return render(request, "meetings/attendance/checklist.html", context, status=status)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def attendance_checklist(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who of each member municipality attended: a checkbox per participant; a POST saves."""
    network, meeting = _meeting_or_404(request, slug, pk)
    sheet = attendance.attendance_sheet(meeting)
    if request.method != "POST":
        return _render(request, network, meeting, sheet)
    ids, error = _ticked(request, sheet)
    if error:
        return _render(request, network, meeting, sheet, error=error, status=400)
    try:
        result = attendance.attendance_save(meeting=meeting, actor=request.user, attended=ids)
    except ValidationError as exc:
        return _render(request, network, meeting, sheet, ticked=ids, error=" ".join(exc.messages), status=400)
    message = _("The attendance was saved: %(count)s attended.") % {"count": result["attended"]}
    if result["walk_ins"]:
        message += " " + ngettext(
            "%(count)s came without an invitation and was added.",
            "%(count)s came without an invitation and were added.",
            result["walk_ins"],
        ) % {"count": result["walk_ins"]}
    messages.success(request, message)
    return redirect("meetings:attendance", slug=network.slug, pk=meeting.pk)


@roles.network_lead_required
@require_GET
def attendance_list(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The attendance list to print and sign: a table per municipality, those who said yes first."""
    network, meeting = _meeting_or_404(request, slug, pk)
    sheet = attendance.attendance_sheet(meeting)
    context = {
        "network": network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "groups": [(group, group.signing_order()) for group in sheet],
        "blank_rows": range(BLANK_ROWS),
        "now": timezone.now(),
    }
    return render(request, "meetings/attendance/list.html", context)
