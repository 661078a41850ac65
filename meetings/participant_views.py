"""A participant's own pages, reached through their signed personal link (no login).

The token is in the address, so every response is private, never stored and sends
no Referer; a link that does not work (tampered, expired, revoked, membership
ended) gets a friendly page with status 404, and another person's invitation is
a 404 too.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from meetings import calendar_services, evaluations
from meetings.calendar_views import feed_urls
from meetings.forms import RsvpForm
from meetings.homework import open_for_membership as open_homework
from meetings.invitations import DIETARY_MODES, respond
from meetings.links import participant_from_token
from meetings.models import AgendaBlock, Invitation, Meeting


def _private(view):
    """Resolve the token to ``request.participant`` and keep the response (and its address) private."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
        participant = participant_from_token(token)
        if participant is None:
            response = render(request, "meetings/participant/link_invalid.html", status=404)
        else:
            request.participant = participant
            try:
                response = view(request, token, *args, **kwargs)
            except Http404:
                response = render(request, "404.html", status=404)
        response["Cache-Control"] = "private, no-store"
        # same-origin, not no-referrer: the token never leaves the site, and a browser still sends the
        # page's Origin with its forms' POSTs (with no-referrer it sends "Origin: null", which the CSRF check refuses).
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return wrapper


def _is_past(meeting: Meeting, today) -> bool:
    if meeting.starts_at is not None:
        return timezone.localdate(meeting.ends_at) < today
    return meeting.sort_date < today.replace(day=1)


@require_GET
@_private
def home(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's meetings (their own invitations only): upcoming first, then past ones."""
    participant = request.participant
    invitations = list(
        Invitation.objects.filter(participant=participant, meeting__network_id=participant.membership.network_id)
        .select_related("meeting")
        .prefetch_related(Prefetch("meeting__agenda", queryset=AgendaBlock.objects.order_by("starts", "order", "pk")))
        .order_by("meeting__sort_date", "meeting__starts_at", "meeting__pk")
    )
    today = timezone.localdate()
    upcoming = [i for i in invitations if not _is_past(i.meeting, today)]
    past = [i for i in invitations if _is_past(i.meeting, today)]
    past.reverse()
    feed = calendar_services.feed_for_participant(participant=participant)
    context = {
        "participant": participant,
        "network": participant.membership.network,
        "municipality": participant.membership.municipality,
        "token": token,
        "upcoming": upcoming,
        "past": past,
        "feed": feed_urls(feed),
        "evaluations": evaluations.open_for_participant(participant),
        "homework": open_homework(participant.membership),
    }
    return render(request, "meetings/participant/home.html", context)


@require_http_methods(["GET", "POST"])
@_private
def respond_view(request: HttpRequest, token: str, invitation_pk: int) -> HttpResponse:
    """Answer one invitation: kommer / kommer inte, and dietary needs for a meeting on site."""
    participant = request.participant
    invitation = get_object_or_404(
        Invitation.objects.filter(participant=participant).select_related("meeting"), pk=invitation_pk
    )
    meeting = invitation.meeting
    if request.method == "POST":
        form = RsvpForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                respond(
                    invitation=invitation,
                    response=form.cleaned_data["response"],
                    dietary_needs=form.cleaned_data.get("dietary_needs") or "",
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, field_messages in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, field_messages)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Thank you, your answer was saved."))
                return redirect("participant:home", token=token)
    else:
        initial = {"response": invitation.response or None, "dietary_needs": invitation.dietary_needs}
        form = RsvpForm(initial=initial, meeting=meeting)
    context = {
        "participant": participant,
        "invitation": invitation,
        "meeting": meeting,
        "form": form,
        "token": token,
        "asks_diet": meeting.mode in DIETARY_MODES,
    }
    return render(request, "meetings/participant/respond.html", context)
