"""A lead's message to a meeting's invitees; a participant's own account and their meetings when logged in.

- /projektledare/natverk/<slug>/tidplan/<pk>/meddelande/: the network's leads (another organiser's lead: 404).
- /deltagare/<token>/konto/: behind the participant's personal link (private responses, see ``_private``).
- /mina-moten/: a logged-in user's invitations, found by their verified e-mail addresses.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from meetings import outreach, selectors
from meetings.attendance_views import _meeting_or_404
from meetings.outreach_forms import MessageForm
from meetings.participant_views import _private


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, field_messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, field_messages)


@roles.network_lead_required
@require_http_methods(["GET", "POST"])
def meeting_message(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Write to everyone invited to the meeting, to those who have not answered, or to those attending."""
    network, meeting = _meeting_or_404(request, slug, pk)
    counts = outreach.recipient_counts(meeting)
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, counts=counts)
        if form.is_valid():
            try:
                message = outreach.send_message(
                    meeting=meeting,
                    actor=request.user,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    to=form.cleaned_data["to"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is being sent to %(count)s person.",
                        "The message is being sent to %(count)s people.",
                        message.recipient_count,
                    )
                    % {"count": message.recipient_count},
                )
                return redirect("outreach:message", slug=network.slug, pk=meeting.pk)
        status = 400
    else:
        form = MessageForm(counts=counts)
    context = {
        "network": network,
        "meeting": meeting,
        "when": selectors.meeting_when(meeting),
        "form": form,
        "counts": counts,
        "earlier": outreach.earlier_messages(meeting),
    }
    return render(request, "meetings/outreach/message.html", context, status=status)


@require_http_methods(["GET", "POST"])
@_private
def claim_account(request: HttpRequest, token: str) -> HttpResponse:
    """Create an account with the e-mail address the personal link was sent to, or say there is one."""
    participant = request.participant
    context = {"participant": participant, "token": token, "email": participant.email.strip()}
    if request.method == "POST":
        try:
            claim = outreach.claim_account(participant=participant)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "meetings/outreach/claim.html", context, status=400)
        if claim.created:
            outreach.send_set_password_email(request, claim.user)
        context["state"] = "created" if claim.created else "exists"
        return render(request, "meetings/outreach/claim.html", context)
    context["state"] = "exists" if outreach.existing_user(participant.email) else "new"
    return render(request, "meetings/outreach/claim.html", context)


@require_GET
@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    """The logged-in person's meetings: the invitations of the participants with their verified e-mail."""
    mine = outreach.my_meetings(request.user)
    response = render(request, "meetings/outreach/my_meetings.html", {"mine": mine})
    response["Cache-Control"] = "private, no-store"  # it holds personal links
    # same-origin, not no-referrer: the token never leaves the site, and a browser still sends the
    # page's Origin with its forms' POSTs (with no-referrer it sends "Origin: null", which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    return response
